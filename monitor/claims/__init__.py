"""Arabic numeric claim extraction: pure functions on strings, no I/O beyond reading lexicons."""
