"""Reads that shape indicator data for pages and reports, by stage:

- ``catalogue`` — catalogue versions, the catalogue by item, what changed between versions;
- ``targets`` — the items a plan covers, its indicators and targets, frozen versions;
- ``values`` — yearly reports and values, boards and national tables (issue 7, values part).
"""
