"""Keep every footnote on the page of its call (WeasyPrint 70.0).

GCPM 3, section 2.6: with `footnote-policy: line` a note that does not fit makes
the line that calls it move to the next page, together with the note. WeasyPrint
70.0 honours that, but has a second path: when a text line overflows the page and
orphans forbid breaking just before it, it first moves the page's last footnotes
to the next page to make room, separating them from their calls. Measured on 12
generated documents (139 pages): 45 notes on the wrong page with the defaults,
11 with `footnote-policy: line` alone, 0 with that policy and this change.

The change disables that second path, so the ordinary page break (which respects
orphans and widows) is taken instead. It rewrites one line of
weasyprint.layout.block._linebox_layout and refuses to run on any other
WeasyPrint version, where the line may differ.
"""

from __future__ import annotations

import inspect
import textwrap

from .weasy import weasyprint
from weasyprint.layout import block  # noqa: E402

from ..errors import InternalError

VERSION = "70.0"
ORIGINAL = "report = not context.in_column and can_break_now and not could_break_before"
REPLACEMENT = "report = False  # Imprint: never move footnotes away from their calls"


def keep_footnotes_with_calls() -> None:
    if getattr(block, "_imprint_footnotes_kept", False):
        return
    source = textwrap.dedent(inspect.getsource(block._linebox_layout))
    if weasyprint.__version__ != VERSION or source.count(ORIGINAL) != 1:
        raise InternalError(
            f"imprint/writers/footnote_layout.py was written for WeasyPrint {VERSION}, "
            f"not {weasyprint.__version__}: check that it still applies, then update it"
        )
    code = compile(source.replace(ORIGINAL, REPLACEMENT), block.__file__, "exec")
    exec(code, vars(block))  # redefines _linebox_layout in its own module
    block._imprint_footnotes_kept = True
