"""Facts: every claim of a figure, its current state, and the verdict each new claim gets."""
