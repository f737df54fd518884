"""Reading the sources: finding articles and issues, their front matter (one
declaration per field: source/model.py, source/schema.py), the validated, immutable model."""
