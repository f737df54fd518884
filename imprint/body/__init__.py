"""The body of an article: Pandoc reads it, Imprint checks it and renders it.

reader.py     one Pandoc run: the body and the Markdown fields, citations formatted
structure.py  what everything is: levels, ids, numbers, cross-references, checks
html.py       the AST as XHTML (e-reader) and HTML (print)
document.py   what comes out: the body in chapters, its notes and reference list
references.py a record formatted in CSL styles: "For citation", "Cite as"
and their parts: guard.py (text Pandoc would take minutes over), pandoc.py (running
it), ast.py (its JSON), locate.py (lines in the source), quarto.py (Quarto's cells),
structure.py's steps in quarto_divs.py (Quarto's divs), numbering.py (figures, tables,
equations, listings), notes.py and links.py (cross-references, citations, links),
bibliography.py (BibTeX, RIS, CSL-JSON), citeproc_js.py (what citeproc-js would do),
citations.lua and references.lua (inside Pandoc)
"""
