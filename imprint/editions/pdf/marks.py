"""Crop marks a print shop can use: 5 mm long, starting where the bleed box ends
(10 pt, 3.5 mm, outside the trim), at each corner of the trimmed page, drawn as
an artifact. WeasyPrint 70's own marks are half the bleed long and half the
bleed clear of the trim (1.5 mm each with a 3 mm bleed), too short to use: the
print template asks for a 10 mm bleed and no marks (the media box then holds
the marks; WeasyPrint sets the bleed box 10 pt outside the trim), and the
finisher (typeset.py) or the booklet's imposition (booklet.py) draws these.
"""

from __future__ import annotations

MM = 72 / 25.4
OFFSET = 10.0  # points: where WeasyPrint 70 puts the bleed box, at most 10 pt outside the trim
LENGTH = 5 * MM
MEDIA = 10 * MM  # the media box beyond the trim (print.html's `bleed: 10mm`)
WIDTH = 0.3  # points


def commands(trim: tuple[float, float, float, float], folds: tuple[float, ...] = ()) -> bytes:
    """Content-stream operators drawing the marks around `trim` (x0, y0, x1, y1),
    and a fold mark above and below it at each x in `folds`, as an artifact (not
    content: not read aloud, not tagged)."""
    x0, y0, x1, y1 = min(trim[0], trim[2]), min(trim[1], trim[3]), max(trim[0], trim[2]), max(trim[1], trim[3])
    lines = []
    for x, y, out_x, out_y in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        lines.append((x + out_x * OFFSET, y, x + out_x * (OFFSET + LENGTH), y))  # the trim's edge, extended
        lines.append((x, y + out_y * OFFSET, x, y + out_y * (OFFSET + LENGTH)))
    for x in folds:
        lines.append((x, y0 - OFFSET, x, y0 - OFFSET - LENGTH))
        lines.append((x, y1 + OFFSET, x, y1 + OFFSET + LENGTH))
    path = "".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l\n" for a, b, c, d in lines)
    return f"/Artifact BMC\nq\n0 0 0 RG\n{WIDTH} w\n[] 0 d\n{path}S\nQ\nEMC\n".encode("ascii")
