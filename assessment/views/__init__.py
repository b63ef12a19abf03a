"""The assessment's pages, by stage: the report, the panel, the outcome and the board."""
