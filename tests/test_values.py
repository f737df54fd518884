"""Reading single values: names, dates, DOIs, licences, YAML scalars."""

from __future__ import annotations

from dataclasses import replace

import pytest

from imprint.source.frontmatter import load_yaml
from imprint.source.model import Article, Paper, PartialDate
from imprint.source.person_names import parse_name
from imprint.source.parsing import licence_url, normalise_doi, parse_date


@pytest.mark.parametrize("text, csl", [
    ("Norah Jones", {"given": "Norah", "family": "Jones"}),
    ("Batunaev, Eduard V.", {"given": "Eduard V.", "family": "Batunaev"}),
    ("Jane van der Berg", {"given": "Jane", "family": "Berg", "non-dropping-particle": "van der"}),
    ("van der Berg, Jane", {"given": "Jane", "family": "Berg", "non-dropping-particle": "van der"}),
    ("Martin Luther King, Jr.", {"given": "Martin Luther", "family": "King", "suffix": "Jr."}),
    ("King, Jr., Martin Luther", {"given": "Martin Luther", "family": "King", "suffix": "Jr."}),
    # (without the comma, as Chicago writes it: "Jr." was the family name)
    ("Martin Luther King Jr.", {"given": "Martin Luther", "family": "King", "suffix": "Jr."}),
    ("John Smith III", {"given": "John", "family": "Smith", "suffix": "III"}),
    ("{World Health Organization}", {"literal": "World Health Organization"}),
    ("Иван Петрович Иванов", {"given": "Иван Петрович", "family": "Иванов"}),
    # (Russian order, family first: a RUDN report's author was «Васильевна Б. А.»)
    ("Богданюк Анна Васильевна", {"given": "Анна Васильевна", "family": "Богданюк"}),
    ("Чайковский Пётр Ильич", {"given": "Пётр Ильич", "family": "Чайковский"}),
    ("Иванов И. И.", {"given": "И. И.", "family": "Иванов"}),
    ("Манаева В.Е.", {"given": "В.Е.", "family": "Манаева"}),
    ("J. R. R. Tolkien", {"given": "J. R. R.", "family": "Tolkien"}),
    ("Plato", {"literal": "Plato"}),
])
def test_names_written_as_one_string(text, csl):
    assert parse_name(text).csl() == csl


@pytest.mark.parametrize("text, parts", [
    ("2019", (2019, None, None)), (2019, (2019, None, None)), ("2019-05", (2019, 5, None)),
    ("2019-05-17", (2019, 5, 17)), ("2019/5/7", (2019, 5, 7)), ("March 5, 2024", (2024, 3, 5)),
    ("5 March 2024", (2024, 3, 5)), ("Sept 2020", (2020, 9, None)),
    ("15 марта 2024 г.", (2024, 3, 15)), ("15 de marzo de 2024", (2024, 3, 15)), ("5. März 2024", (2024, 3, 5)),
    ("1er janvier 2020", (2020, 1, 1)), ("январь 2021", (2021, 1, None)),
    # (as Russian writes them, QA 14: refused while "5 марта 2024 г." was read)
    ("2024 г.", (2024, None, None)), ("1939 года", (1939, None, None)), ("24.02.2024", (2024, 2, 24)),
    ("5.3.2024 г.", (2024, 3, 5)),
])
def test_dates(text, parts):
    assert parse_date(text) == PartialDate(*parts)


@pytest.mark.parametrize("text, message", [
    ("2019-02-30", "not a date in the calendar"), ("today", "changes with every build"),
    ("yesterday", "not a date Imprint can read"), ("5 Foo 2020", "not a date Imprint can read"),
    ("31.02.2024", "not a date in the calendar"),
])
def test_bad_dates(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


@pytest.mark.parametrize("text, hint", [
    ("2024-02-30", "February 2024 has 29 days: correct the day, or the month"),
    ("31.04.2024", "April 2024 has 30 days: correct the day, or the month"),
    ("2024-13-05", "a year has 12 months: write the date as year, month, day (2024-02-24)"),
    ("05.13.2024", "a year has 12 months: write the date as day, month, year (24.02.2024)"),
    # (year 0, month or not: the hint crashed on "0000", a TypeError out of calendar.monthrange)
    ("0000", "the calendar's years run from 1 to 9999: write the date as year, month, day (2024-02-24)"),
    ("0000-01", "the calendar's years run from 1 to 9999: write the date as year, month, day (2024-02-24)"),
])
def test_a_date_not_in_the_calendar_is_told_what_to_check(text, hint):
    """'2024-02-30' is not a date in the calendar, and was told nothing more (QA 23 F22)."""
    with pytest.raises(ValueError, match="not a date in the calendar") as raised:
        parse_date(text)
    assert raised.value.hint == hint


def test_yaml_reads_values_as_yaml_1_2():
    data = load_yaml("country: NO\nissue: 010\ntime: 1:30\nflag: yes\nok: true\nhex: 0x1A\n", "x").data
    assert data == {"country": "NO", "issue": 10, "time": "1:30", "flag": "yes", "ok": True, "hex": "0x1A"}


def test_libyaml_and_pyyaml_read_alike(monkeypatch):
    """libyaml's parser (when PyYAML has it) gives the same values and lines as
    PyYAML's own, which load_yaml falls back to."""
    from pathlib import Path

    from imprint.source import frontmatter

    assert frontmatter._FastLoader is not None  # the wheels pinned in constraints.txt carry libyaml
    root = Path(__file__).resolve().parents[1]
    texts = [path.read_text(encoding="utf-8") for path in sorted((root / "styles").rglob("*.yaml"))]
    texts += [(root / "source" / "publication.yaml").read_text(encoding="utf-8"),
              "a: [1, 2, {b: c}]\n? complex\n: 010\nd: |\n  block\n  text\ne: &x {f: 1}\ng: *x\n"]
    fast = [load_yaml(text, "x", 3) for text in texts]
    monkeypatch.setattr(frontmatter, "_FastLoader", None)
    assert [load_yaml(text, "x", 3) for text in texts] == fast


@pytest.mark.parametrize("text, line, message, hint", [
    # (QA 23 F14: "expected <block end>, but found '<scalar>'" 45 lines after the quote left open)
    ('title: "T\nsubtitle: S\nlang: ru\ntranslation:\n  title: "E"\n', 3,
     "the quote \" opened here is closed only on line 7", 'close it on its line: title: "T"'),
    ("title: 'T\nlang: en\nabstract: it's fine\n", 3, "the quote ' opened here is closed only on line 5", None),
    ('title: "T\nlang: en\n', 3, "the quote \" opened here is never closed", 'close it on its line: title: "T"'),
    # ("found '?'": PyYAML's token for a key)
    ("keywords:\n  - a\n  - b\n  lang: ru\n", 6,
     "a field (key: value) where a list item ('- ...') was expected: the list begins on line 4", "(keywords:)"),
    ("author:\n  name: A\n  - b\n", 5, "a list item ('- ...') where a field (key: value) was expected", None),
    ("author:\n    name: A\n  orcid: 1\n", 5, "this field is indented less than the fields before it", None),
    ("title: Khalkhin-Gol: Military\n", 3, "a ': ' inside a value without quotes",
     'put the value in quotes: title: "Khalkhin-Gol: Military"'),
    ("title: T\n  lang: en\n", 4, "this line is read as part of the value begun on line 3", None),
    ("title:T\nlang: en\n", 4, "this line is read as part of the value begun on line 3",
     "put a space after the ':' on line 3"),
    ("keywords: [a, b\nlang: en\n", 3, "the list '[' opened here is not closed with ']' on its line", None),
    ("nocite: @a, @b\n", 3, "a value cannot start with '@' without quotes", 'nocite: "@a, @b"'),
    ("title: [Draft] A title\n", 3, "text after the value's closing ']'", 'title: "[Draft] A title"'),
    ("abstract: Text that goes on\nover the next line.\nlang: en\n", 4,
     "this line is neither a field (key: value) nor a list item ('- ...')", "indent it more"),
    ("# A comment\nand its second line\ntitle: T\n", 5, "this line is read as part of the value begun on line 4",
     "line 4 is neither a field (key: value) nor a comment: put '# ' before a comment"),
    ("title: T\n]\n", 4, "a ']' where a field (key: value) was expected", None),
    # (QA 23 F21: a word processor's quotes)
    ("title: “Khalkhin-Gol: Military”\n", 3, "“ ” are typographic quotes: YAML needs straight quotes \" or '",
     'title: "Khalkhin-Gol: Military"'),
    ("lang: ru\nsubtitle: «Халхин-Гол: война» и мир\n", 4, "« » are typographic quotes",
     'subtitle: "«Халхин-Гол: война» и мир"'),
])
def test_yaml_syntax_errors_are_told_at_the_mistake_in_plain_words(text, line, message, hint):
    from imprint.errors import SourceError

    with pytest.raises(SourceError) as raised:
        load_yaml(text, "a.md", 3)
    [problem] = raised.value.problems
    assert (problem.line, problem.message.removeprefix("this is not valid YAML: ")[:len(message)]) == (line, message)
    assert "<" not in problem.message and "'?'" not in problem.message  # (no token of PyYAML's)
    assert hint is None or hint in problem.hint


def test_indentation_of_no_break_spaces_is_read_as_spaces():
    """Front matter copied from a web page or a word processor, indented with
    no-break spaces, which YAML reads as text: "mapping values are not allowed
    here" (QA 23 F21). Read as spaces, with a warning, as tabs are."""
    located = load_yaml("author:\n  - name: A\n\u00a0\u00a0\u00a0 orcid: 1\n\u00a0\u00a0\u00a0\u00a0email: a@b.c\n"
                        "title: T\n", "a.md", 2)
    assert located.data == {"author": [{"name": "A", "orcid": 1, "email": "a@b.c"}], "title": "T"}
    assert [(p.line, p.message, p.hint) for p in located.said] == [
        (4, "indented with no-break spaces (U+00A0), which YAML reads as text, not as indentation: each is read "
            "as a space (here and on 1 more line)", "indent with ordinary spaces")]


def test_licence_urls_only_for_named_versions():
    assert licence_url("CC BY 4.0") == "https://creativecommons.org/licenses/by/4.0/"
    assert licence_url("cc by-nc-sa 3.0") == "https://creativecommons.org/licenses/by-nc-sa/3.0/"
    assert licence_url("CC BY") is None  # which version is not known: nothing invented
    assert licence_url("All rights reserved") is None


def test_doi_forms():
    assert normalise_doi("https://doi.org/10.1/x") == normalise_doi("doi:10.1/x") == "10.1/x"
    article = Article(slug="a", path=None, file="a", lang="en", title="T", body="", body_line=1, csl="apa",
                      paper=Paper("A4", "A4"), doi="10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0")
    assert article.doi_url == "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-0"
    assert replace(article, doi="10.1000/a[1]#b").doi_url == "https://doi.org/10.1000/a%5B1%5D%23b"


def test_a_yaml_error_on_a_long_line_is_told_in_time_linear_in_its_length():
    """A line's value was matched lazily before its trailing spaces: a YAML error on
    a line with 40,000 spaces inside its value took 10 s (review)."""
    import time

    from imprint.errors import SourceError

    started = time.perf_counter()
    with pytest.raises(SourceError):
        load_yaml("title: “a:" + " " * 100_000 + "b”\nlang: [\n", "a.md", 3)
    assert time.perf_counter() - started < 3
