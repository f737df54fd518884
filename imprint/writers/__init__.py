"""One module per kind of output. Each writer takes (manuscript, theme, settings)
and returns the file's bytes; pipeline.py writes them to dist/."""
