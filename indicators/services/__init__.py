"""Every write about indicators that carries a rule, by stage. Each is audited.

- ``catalogue`` — revising the ministry catalogue for a later phase (IND-4);
- ``targets`` — a plan's baselines, targets, school-defined indicators and expected
  qualitative results (IND-3, PERF-3, PERF-4, PERF-5), frozen with each plan version;
- ``values`` — each academic year's reports and values (IND-3; the values part of issue 7).

Import actions from their module (``from indicators.services.targets import targets_save``).
"""

from .common import IndicatorError

__all__ = ["IndicatorError"]
