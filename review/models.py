"""The committee, its two rounds of scoring, and the decision."""
