"""Advisors, consulting visits and reports, inspections and exchanges."""
