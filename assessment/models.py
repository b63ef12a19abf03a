"""Results reports, the evaluation panel, and the yearly outcome that decides the next year."""
