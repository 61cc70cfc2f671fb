"""jixiao: queries."""
