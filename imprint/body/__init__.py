"""The body of an article: Pandoc reads it, Imprint checks it and renders it.

reader.py    one Pandoc run: the body and the Markdown fields, citations formatted
structure.py what everything is: levels, ids, numbers, cross-references, checks
html.py      the AST as XHTML (e-reader) and HTML (print)
references.py a record formatted in CSL styles: "For citation", "Cite as"
bibliography.py, collation.py, locate.py, quarto.py, pandoc.py: their parts
"""
