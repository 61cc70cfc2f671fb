"""The real development corpus: facts of published documents, their renderings and a scorer."""
