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
