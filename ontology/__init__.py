"""jixiao: ontology."""
