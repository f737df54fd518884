"""How the time to read a body grows on the pathological inputs of cmark's test
suite (test/pathological_tests.py), at three sizes each doubling the input:
Imprint's check of the text (imprint/body/guard.py), Pandoc's reader, and the
analysis of what it read.

    .venv/bin/python benchmarks/pathological.py

A growth near 2.0 per doubling is linear; 4.0 would be quadratic. Inputs that
Imprint refuses (Pandoc's reader would backtrack on them for minutes: brackets
that never close, nested deep) count with the time taken to refuse them.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imprint.body.chapters import EPUB  # noqa: E402
from imprint.body.pandoc import deadline_in  # noqa: E402
from imprint.body.reader import Setting, start_body  # noqa: E402
from imprint.errors import SourceError  # noqa: E402

WORDS = {"quotes": "“”‘’", "figure": "Figure", "table": "Table", "section": "Section"}

PATTERNS = {
    "nested strong emphasis": lambda n: "*a **a " * n + "b" + " a** a*" * n,
    "emphasis closers, no openers": lambda n: "a_ " * n,
    "emphasis openers, no closers": lambda n: "_a " * n,
    "link closers, no openers": lambda n: "a]" * n,
    "link openers, no closers": lambda n: "[a" * n,
    "mismatched openers and closers": lambda n: "*a_ " * n,
    "openers and closers multiple of 3": lambda n: "a**b" + "c* " * n,
    "link openers and emphasis closers": lambda n: "[ a_" * n,
    "[ (]( repeated": lambda n: "[ (](" * n,
    "nested brackets": lambda n: "[" * n + "a" + "]" * n,
    "nested block quotes": lambda n: "> " * n + "a",
    "unclosed links <": lambda n: "[a](<b" * n,
    "unclosed links": lambda n: "[a](b" * n,
    "link reference definitions": lambda n: "".join(f"[r{i}]: https://e.org/{i}\n" for i in range(n)) + "[r1]",
    "emphasis marker runs": lambda n: "*" * n + "a" + "_" * n,
    "footnotes": lambda n: "".join(f"x[^{i}]" for i in range(n)) + "\n\n" + "".join(f"[^{i}]: n\n" for i in range(n)),
    "citations": lambda n: "".join(f"[@k{i}; @j{i}, p. {i}] " for i in range(n)),
}
SIZES = (1000, 2000, 4000)


def seconds(text: str) -> tuple[float, bool]:
    """The median time to read `text` as an article's body, and whether it was refused."""
    setting = Setting(file="article.md", body=text, body_line=1, lang="en", words=WORDS, root=Path("/"),
                      folder=Path("/"), deadline=deadline_in(300), dialects=(EPUB,), style=None)
    times, refused = [], False
    for _ in range(3):
        started = time.perf_counter()
        try:
            start_body(setting).result()
        except SourceError:
            refused = True
        times.append(time.perf_counter() - started)
    return statistics.median(times), refused


def main() -> None:
    print(f"| input | {' | '.join(f'n={n}' for n in SIZES)} | growth per doubling |")
    print("|---|" + "--:|" * (len(SIZES) + 1))
    worst = 0.0
    for name, make in PATTERNS.items():
        found = [seconds(make(n)) for n in SIZES]
        times = [t for t, _ in found]
        growth = max(b / a for a, b in zip(times, times[1:]))
        worst = max(worst, growth)
        refused = " (refused)" if any(r for _, r in found) else ""
        print(f"| {name}{refused} | {' | '.join(f'{t * 1000:.0f} ms' for t in times)} | {growth:.1f} |")
    print(f"\nworst growth per doubling: {worst:.1f} (linear: 2.0, quadratic: 4.0)")


if __name__ == "__main__":
    main()
