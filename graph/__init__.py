"""jixiao: graph."""
