"""Markdown to HTML: one parse, two dialects."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from imprint.document import Context, parse_body
from imprint.markup import plain_text, render_inline

EN, RU = "“”‘’", "«»„“"
WORDS = {"figure": "Figure", "table": "Table", "section": "Section"}


def body(text: str, quotes: str = EN, **more):
    context = Context(file="article.md", first_line=1, quotes=quotes, words=WORDS, root=Path("/"),
                      folder=Path("/"), **more)
    return parse_body(text, context)


def test_typography_follows_the_language():
    assert str(render_inline('"quoted" and \'single\' -- en --- em', EN)) == "“quoted” and ‘single’ – en — em"
    assert str(render_inline("\"цитата 'внутри'\"", RU)) == "«цитата „внутри“»"


def test_raw_html_is_text():
    parsed = body("<div>block</div>\n\nInline <script>alert(1)</script> & <b>bold</b>")
    html = str(parsed.print)
    assert "<script>" not in html and "<div>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html


def test_chapters_start_at_the_top_level_heading_used():
    parsed = body("Intro.\n\n## First\n\nText.\n\n### Sub {#sub-one}\n\nMore.\n\n## Second\n\nEnd.")
    assert [c.heading.text if c.heading else None for c in parsed.chapters] == [None, "First", "Second"]
    first = parsed.chapters[1]
    assert [(h.level, h.id) for h in first.headings] == [(1, "first"), (2, "sub-one")]
    assert '<h1 id="first">First</h1>' in str(first.epub)  # a chapter file starts at h1
    assert '<h2 id="first" data-bookmark="First">First</h2>' in str(first.print)  # under the article's h1
    assert '<h3 id="sub-one" data-bookmark="Sub">Sub</h3>' in str(first.print)


def test_heading_ids_are_unique_and_readable():
    parsed = body("# Введение\n\n# Введение\n\n# 1939: events\n\n# Abstract\n\n# References")
    ids = [c.heading.id for c in parsed.chapters]
    assert ids == ["введение", "введение-2", "events", "abstract-2", "references-2"]  # the templates' ids


def test_footnotes_in_both_dialects():
    parsed = body("Call one.[^a] Inline.^[Inline note.] Again.[^a]\n\n[^a]: First *note*.\n\n    Second paragraph.")
    assert [n.number for n in parsed.notes] == [1, 2]
    chapter = parsed.chapters[0]
    epub = etree.fromstring(f"<div xmlns:epub='http://www.idpf.org/2007/ops'>{chapter.epub}</div>")
    refs = epub.findall(".//a[@role='doc-noteref']")
    assert [(a.get("href"), a.get("id"), a.text) for a in refs] == [
        ("#fn-1", "fnref-1", "1"), ("#fn-2", "fnref-2", "2"), ("#fn-1", "fnref-1-2", "1")]
    assert [n.id for n in chapter.notes] == ["fn-1", "fn-2"]
    assert str(parsed.notes[0].epub).count("<p>") == 2
    printed = str(chapter.print)
    # In print the note sits at its call, inside the paragraph, as inline markup.
    assert printed.count('<span class="footnote" id="fn-1">') == 1
    assert '<span class="footnote-para">First <em>note</em>.</span>' in printed
    assert "<p>" not in printed.split('<span class="footnote" id="fn-1">')[1].split("</span></span>")[0]
    assert '<sup class="footnote-repeat">1</sup>' in printed


def test_notes_live_in_the_chapter_that_first_calls_them():
    parsed = body("# One\n\nA.[^x]\n\n# Two\n\nB.[^y] A again.[^x]\n\n[^x]: X.\n\n[^y]: Y.")
    assert [[n.id for n in c.notes] for c in parsed.chapters] == [["fn-1"], ["fn-2"]]


def test_plain_text_for_metadata():
    assert plain_text(render_inline("*Italic* & <tag>", EN)) == "Italic & <tag>"


def test_heading_levels_never_jump():
    parsed = body("# Top\n\n#### Deep\n\n## Back")
    assert [(h.level, h.text) for h in parsed.chapters[0].headings] == [(1, "Top"), (2, "Deep"), (2, "Back")]
    assert '<h2 id="deep">Deep</h2>' in str(parsed.chapters[0].epub)
