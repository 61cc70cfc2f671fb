"""jixiao: api."""
