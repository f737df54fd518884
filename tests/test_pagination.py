"""Pagination's plan (imprint/building/pagination.py) with a stand-in for WeasyPrint: every
article ends up on the pages it fills where it starts, one after the other,
whatever the counts first thought, the order layouts come back in, or a count
that depends on where the article starts. The real layouts are covered by
test_issue.py; here, which layouts are made."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import SimpleNamespace

import pytest

from imprint.building import pagination
from imprint.editions.pdf import article as pdf


@dataclass(frozen=True)
class Citation:
    page: str | None = None


@dataclass(frozen=True)
class Article:
    slug: str
    citation: Citation = field(default_factory=Citation)
    file: str = "source/x/article.md"
    where: dict = field(default_factory=dict)

    def locate(self, key):
        return self.file, None


@dataclass(frozen=True)
class Manuscript:
    article: Article


class Press:
    """Lays articles out by a table: length(slug, first page) -> pages."""

    def __init__(self, monkeypatch, length):
        self.layouts: list[tuple[str, int, str]] = []  # (slug, first page, range printed)
        self.length = length

        def with_pages(manuscript, first, last, theme):
            page = f"{first}-{last}" if last > first else str(first)
            return replace(manuscript, article=replace(manuscript.article, citation=Citation(page)))

        def count_pages(manuscript, theme, settings):
            page = manuscript.article.citation.page
            first = int(page.split("-")[0])
            self.layouts.append((manuscript.article.slug, first, page))
            return self.length(manuscript.article.slug, first), b"%PDF " + page.encode()

        monkeypatch.setattr(pagination, "with_pages", with_pages)
        monkeypatch.setattr(pdf, "count_pages", count_pages)
        monkeypatch.setattr(pagination, "prepare_issue", lambda issue, placed, theme, settings: placed)


def paginate(articles, run=pagination.one_by_one, first_page=1, **callbacks):
    issue = SimpleNamespace(first_page=first_page, slug="issue")
    placed = pagination.paginate(issue, [Manuscript(a) for a in articles], theme=None, settings=None,
                                 run=run, **callbacks)
    return [(m.article.slug, m.article.citation.page) for m in placed]


def contiguous(placed, first_page, length):
    """Each article starts after the one before and its range is what it fills there."""
    expected = first_page
    for slug, page in placed:
        first, _, last = page.partition("-")
        first, last = int(first), int(last or first)
        assert first == expected, (slug, page)
        assert last - first + 1 == length(slug, first), (slug, page)
        expected = last + 1


LENGTHS = {"a": 5, "b": 7, "c": 1, "d": 3}


def test_a_first_build_counts_each_article_then_places_it(monkeypatch):
    press = Press(monkeypatch, lambda slug, first: LENGTHS[slug])
    placed = paginate([Article(s) for s in "abcd"], first_page=173)
    assert placed == [("a", "173-177"), ("b", "178-184"), ("c", "185"), ("d", "186-188")]
    # One layout to count each (from the issue's first page), one where it is printed.
    assert [(slug, first) for slug, first, _ in press.layouts] == \
        [(s, 173) for s in "abcd"] + [("a", 173), ("b", 178), ("c", 185), ("d", 186)]


def test_counts_remembered_or_written_need_no_counting_layout(monkeypatch):
    press = Press(monkeypatch, lambda slug, first: LENGTHS[slug])
    articles = [Article("a"), Article("b", Citation("6-12")), Article("c"), Article("d")]
    placed = paginate(articles, remembered={"a": 5, "c": 1, "d": 3}.get)
    assert placed == [("a", "1-5"), ("b", "6-12"), ("c", "13"), ("d", "14-16")]
    assert [first for _, first, _ in press.layouts] == [1, 6, 13, 14]


def test_a_known_article_is_not_laid_out(monkeypatch):
    press = Press(monkeypatch, lambda slug, first: LENGTHS[slug])
    known = {("b", 6): 7}
    placed = paginate([Article(s) for s in "abcd"], remembered=LENGTHS.get,
                      known=lambda slug, first: known.get((slug, first)))
    assert placed == [("a", "1-5"), ("b", "6-12"), ("c", "13"), ("d", "14-16")]
    assert [slug for slug, _, _ in press.layouts] == ["a", "c", "d"]


def test_an_article_longer_than_remembered_moves_the_next_ones(monkeypatch):
    # a grew from 2 pages to 5 since the last build: b, c and d, laid out where a
    # 2-page a would have put them, are laid out again after it, once each.
    press = Press(monkeypatch, lambda slug, first: LENGTHS[slug])
    placed = paginate([Article(s) for s in "abcd"], remembered={**LENGTHS, "a": 2}.get)
    contiguous(placed, 1, lambda slug, first: LENGTHS[slug])
    assert [(slug, first) for slug, first, _ in press.layouts] == \
        [("a", 1), ("a", 1), ("b", 3), ("c", 10), ("d", 11), ("b", 6), ("c", 13), ("d", 14)]


def test_a_count_that_depends_on_the_first_page(monkeypatch):
    # c fills 2 pages from an even page, 1 from an odd one; b's printed range
    # lengthens it by a page once the range has two digits on each side.
    def length(slug, first):
        if slug == "c":
            return 2 if first % 2 == 0 else 1
        return LENGTHS[slug] + (1 if slug == "b" and first >= 10 else 0)

    Press(monkeypatch, length)
    for first_page in (1, 2, 9, 10):
        contiguous(paginate([Article(s) for s in "abcdabcd"[:4]], first_page=first_page), first_page, length)


def test_the_order_layouts_come_back_in_does_not_matter(monkeypatch):
    Press(monkeypatch, lambda slug, first: LENGTHS[slug])

    def backwards(tasks, done, failed):
        for task in reversed(tasks):
            done(task())

    articles = [Article(s) for s in "abcd"]
    assert paginate(articles, run=backwards, remembered={"a": 1}.get) == paginate(articles)


def test_counts_that_keep_coming_out_wrong_end_one_at_a_time(monkeypatch):
    # How long an article is depends on where it starts, so that the counts thought
    # (from a layout elsewhere) keep coming out wrong: after MAX_ROUNDS rounds the
    # rest are placed one at a time, and every article still where it belongs.
    def length(slug, first):
        return 1 + first % 3

    press = Press(monkeypatch, length)
    articles = [Article(f"a{n}") for n in range(30)]
    placed = paginate(articles)
    contiguous(placed, 1, length)
    # A count, then at most two layouts (thought, then settled) per article in
    # each of the first rounds, then one at a time: 208 layouts. Planning rounds
    # until the end would lay out everything left each time (664 with 30 rounds).
    assert pagination.MAX_ROUNDS == 3 and len(press.layouts) <= 30 * (1 + 2 * 4)


def test_a_problem_in_a_layout_stops_the_issue(monkeypatch):
    Press(monkeypatch, lambda slug, first: LENGTHS[slug])

    def timing_out(tasks, done, failed):
        for index, task in enumerate(tasks):
            done(failed(index, "rendering took longer than the time limit") if index == 1 else task())

    with pytest.raises(pagination.IssueError) as caught:
        paginate([Article(s) for s in "abcd"], run=timing_out)
    assert "time limit" in caught.value.problems[0].message


def test_a_counting_layout_keeps_its_warnings_and_the_placed_one_tells_them(monkeypatch):
    """A layout that only counts an article's pages (on its own, from the issue's
    first page) is a guess: what it warns of (a running head cut) is told by the
    layout where the article is printed, once, with the issue; the guess's are
    neither told nor, in a worker, printed as Python warnings."""
    import warnings

    from imprint.errors import ImprintWarning, Problem, warn

    press = Press(monkeypatch, lambda slug, first: LENGTHS[slug])
    counted = pdf.count_pages

    def count_pages(manuscript, theme, settings):
        warn(Problem(manuscript.article.file, f"laid out from page {manuscript.article.citation.page}"))
        return counted(manuscript, theme, settings)

    monkeypatch.setattr(pdf, "count_pages", count_pages)
    @dataclass(frozen=True)
    class Edition:
        placed: list
        warnings: tuple = ()

    monkeypatch.setattr(pagination, "prepare_issue", lambda issue, placed, theme, settings: Edition(placed))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImprintWarning)  # (as nothing collects a worker's outside a unit)
        edition = pagination.paginate(SimpleNamespace(first_page=173, slug="issue"),
                                      [Manuscript(Article("a")), Manuscript(Article("b"))], theme=None, settings=None)
    assert [(slug, first) for slug, first, _ in press.layouts] == [("a", 173), ("b", 173), ("a", 173), ("b", 178)]
    assert [w.message for w in edition.warnings] == ["laid out from page 173-177", "laid out from page 178-184"]
