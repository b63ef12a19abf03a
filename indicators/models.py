"""The indicator catalogue, targets, annual values and the performance assessment."""
