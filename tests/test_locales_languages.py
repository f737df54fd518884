"""The editions' own words in German, French, Spanish, Italian, Portuguese and
Ukrainian (styles/locales/<lang>.yaml): QA 30 found an Italian book chapter printing
"Figure 1" and "Abstract", English's words, for want of a file."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml

from imprint.editions import EDITIONS
from imprint.pipeline import build
from imprint.settings import Settings
from imprint.theme import _PLACEHOLDER, LOCALE_KEYS, PLACEHOLDERS, Theme
from conftest import REPO
from test_quarto_front_matter import project

LANGUAGES = ("de", "fr", "es", "it", "pt", "uk")


def placeholders(word: str) -> set[str]:
    return set(_PLACEHOLDER.findall(word))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_language_file_gives_every_word_english_gives_with_its_placeholders(lang):
    """Loaded as a build loads it (Theme.strings: a word missing, a placeholder
    English's word has not, or a brace left open is an error); and every word of
    en.yaml is in the file itself, not taken from English's, with the placeholders
    of English's word (table_continued: any of {title}, {ref}, {n})."""
    english = yaml.safe_load((REPO / "styles" / "locales" / "en.yaml").read_text(encoding="utf-8"))
    own = yaml.safe_load((REPO / "styles" / "locales" / f"{lang}.yaml").read_text(encoding="utf-8"))
    words = Theme(REPO, REPO / "styles").strings(lang)
    assert words.lang == lang
    assert [key for key in (*english, *LOCALE_KEYS) if key not in own] == []
    offered = [f"file_{name}" for name, edition in EDITIONS.items() if edition.offered]
    assert [key for key in offered if key not in own] == []
    for key, value in own.items():
        if isinstance(english.get(key), str):
            assert isinstance(value, str) and value.strip(), key
            if key in PLACEHOLDERS:
                assert placeholders(value) and placeholders(value) <= PLACEHOLDERS[key], key
            else:
                assert placeholders(value) == placeholders(english[key]), key
        elif key.endswith("_ref"):  # (the forms of running text English has not: theorem_ref, listing_ref)
            assert placeholders(value) == {"n"}, key
    assert len(own["quotes"]) == 4 and len(own["months"]) == 12 and len(own.get("months_no_day", own["months"])) == 12


ARTICLE = """---
title: {title}
lang: {lang}
author: Ana Ruiz
date: 2024-03-05
date-received: 2024-01-12
date-accepted: 2024-02
abstract: {abstract}
keywords: [{keyword}]
---

# {heading} {{#sec-intro}}

{text} @fig-map, @tbl-x, "{quoted}".^[{note}]

![{caption}](map.png){{#fig-map}}

| a | b |
|---|---|
| 1 | 2 |

: {caption} {{#tbl-x}}
"""

# Each language's article, and what its EPUB must show: the abstract's and the
# keywords' headings, the dates, a figure's and a table's caption and references,
# the note's link back, the quotation marks.
CASES = {
    "de": (dict(title="Die Karte", abstract="Eine Zusammenfassung.", keyword="Karte", heading="Einleitung",
                text="Siehe", quoted="Zitat", note="Eine Anmerkung.", caption="Eine Karte"),
           ["Zusammenfassung", "Schlüsselwörter:", "Veröffentlicht", "5. März 2024", "Eingegangen: 12. Januar 2024.",
            "Angenommen: Februar 2024.", "Abbildung 1.", "Tabelle 1.", ">Abb. 1<", ">Tab. 1<", "Zurück zum Text",
            "„Zitat“"]),
    "fr": (dict(title="La carte", abstract="Un résumé.", keyword="carte", heading="Introduction",
                text="Voir", quoted="citation", note="Une note.", caption="Une carte"),
           ["Résumé", "Mots-clés", "Publication", "5 mars 2024", "Reçu\u00a0: 12 janvier 2024.",
            "Accepté\u00a0: février 2024.", "Figure 1.", "Tableau 1.", ">fig. 1<", ">tab. 1<", "Retour au texte",
            "«citation»"]),
    "es": (dict(title="El mapa", abstract="Un resumen.", keyword="mapa", heading="Introducción",
                text="Véase", quoted="cita", note="Una nota.", caption="Un mapa"),
           ["Resumen", "Palabras clave:", "Publicado", "5 de marzo de 2024", "Recibido: 12 de enero de 2024.",
            "Aceptado: febrero de 2024.", "Figura 1.", "Tabla 1.", ">fig. 1<", ">tabla 1<", "Volver al texto",
            "«cita»"]),
    "it": (dict(title="La mappa", abstract="Un riassunto.", keyword="mappa", heading="Introduzione",
                text="Si veda", quoted="citazione", note="Una nota.", caption="Una mappa"),
           ["Riassunto", "Parole chiave:", "Pubblicato", "5 marzo 2024", "Ricevuto: 12 gennaio 2024.",
            "Accettato: febbraio 2024.", "Figura 1.", "Tavola 1.", ">fig. 1<", ">tab. 1<", "Torna al testo",
            "«citazione»"]),
    "pt": (dict(title="O mapa", abstract="Um resumo.", keyword="mapa", heading="Introdução",
                text="Ver", quoted="citação", note="Uma nota.", caption="Um mapa"),
           ["Resumo", "Palavras-chave:", "Publicado", "5 de março de 2024", "Recebido: 12 de janeiro de 2024.",
            "Aceito: fevereiro de 2024.", "Figura 1.", "Tabela 1.", ">fig. 1<", ">tab. 1<", "Voltar ao texto",
            "“citação”"]),
    "uk": (dict(title="Мапа", abstract="Анотація статті.", keyword="мапа", heading="Вступ",
                text="Див.", quoted="цитата", note="Примітка автора.", caption="Мапа"),
           ["Анотація", "Ключові слова:", "Опубліковано", "5 березня 2024 р.", "Надійшла до редакції 12 січня 2024 р.",
            "Прийнята до друку у лютому 2024 р.", "Рис. 1.", "Таблиця 1.", ">рис. 1<", ">табл. 1<",
            "Назад до тексту", "«цитата»"]),
}


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (68, 1, 84)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_article_in_the_language_prints_its_words(tmp_path, lang):
    fields, shown = CASES[lang]
    project(tmp_path, ARTICLE.format(lang=lang, **fields))
    (tmp_path / "source" / "a" / "map.png").write_bytes(png())
    report = build(Settings.for_project(tmp_path, formats=("epub",), environ={}))
    assert report.ok, report.problems
    assert not [w for w in report.warnings if "has no words for the language" in w.message], report.warnings
    with zipfile.ZipFile(tmp_path / "dist" / "a" / EDITIONS["epub"].path("a")) as epub:
        pages = "".join(epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml"))
    pages = pages.replace("\u00a0", " ").replace("&#160;", " ")  # (typeset's no-break spaces: "рис. 1", "у лютому")
    assert [word for word in shown if word.replace("\u00a0", " ") not in pages] == []
    english = ("Abstract", "Keywords", "Received", "Figure 1.", "Table 1.", "Back to the text")
    assert [word for word in english if word in pages and not any(word in own for own in shown)] == []
