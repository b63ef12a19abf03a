"""The pages of the catalogue (``catalogue``) and of the plan's targets (``targets``)."""
