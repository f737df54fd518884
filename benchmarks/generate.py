"""Benchmark inputs, generated the same way every time (a fixed seed): projects
Imprint builds and plain Markdown files pandoc reads.

- long: one article of about 30,000 words, 200 footnotes, 8 tables, Latin and
  Cyrillic text mixed (and `long2`, the same doubled, for how time grows);
- issue: an issue of 50 articles of about 1,500 words each (and `issue2`, 100);
- articles: 50 articles of the same kind on their own (no issue), for `--jobs`.

The text is made of sentences drawn from a small fixed vocabulary in both
scripts, so that hyphenation, justification and font subsetting have real work.
"""

from __future__ import annotations

import random
import shutil
import textwrap
from pathlib import Path

RU = ("история сотрудничество граница договор армия союз государство исследование архив документ "
      "переписка источник командование наступление оборона река штаб политика экономика независимость "
      "признание конференция протокол помощь безопасность суверенитет").split()
EN = ("history cooperation border treaty army alliance state research archive document correspondence "
      "source command offensive defence river headquarters policy economy independence recognition "
      "conference protocol assistance security sovereignty").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(RU if rng.random() < 0.6 else EN) for _ in range(rng.randint(8, 18))]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", ";", "!"]).replace(";", ".")


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def table(rng: random.Random, number: int) -> str:
    rows = ["| Год | Событие | Source | Число |", "|---|---|---|--:|"]
    for _ in range(rng.randint(5, 12)):
        rows.append(f"| {rng.randint(1920, 1950)} | {rng.choice(RU)} {rng.choice(RU)} | "
                    f"{rng.choice(EN)} | {rng.randint(1, 999)} |")
    return "\n".join(rows) + f"\n\n: Таблица данных {number} {{#tbl-data-{number}}}"


def body(rng: random.Random, words: int, notes: int, tables: int, sections: int) -> str:
    """Markdown that pandoc and Imprint both read: headings, paragraphs with note
    calls, pipe tables with captions, note definitions at the end."""
    per_section = max(1, words // sections // 14 // 5)  # paragraphs of five sentences of ~14 words
    parts, note = [], 0
    note_every = max(1, sections * per_section // max(1, notes))
    table_every = max(1, sections // max(1, tables))
    counter = 0
    for s in range(1, sections + 1):
        parts.append(f"# {sentence(rng).rstrip('.!')}\n")
        for _ in range(per_section):
            text = paragraph(rng, 5)
            counter += 1
            if note < notes and counter % note_every == 0:
                note += 1
                text += f"[^n{note}]"
            parts.append(text + "\n")
        if s % table_every == 0 and s // table_every <= tables:
            parts.append(table(rng, s // table_every) + "\n")
    while note < notes:  # the rest in the last paragraph
        note += 1
        parts[-1] = parts[-1].rstrip("\n") + f"[^n{note}]\n"
    parts += [f"[^n{n}]: {sentence(rng)} {sentence(rng)}\n" for n in range(1, notes + 1)]
    return "\n".join(parts)


def front_matter(title: str, rng: random.Random, extra: str = "") -> str:
    return textwrap.dedent(f"""\
        ---
        title: "{title}"
        author:
          - name:
              given: Иван
              family: Испытателев
        lang: ru
        date: 2024
        abstract: "{paragraph(rng, 3)}"
        {extra}---

        """)


def article(folder: Path, slug: str, title: str, markdown: str, rng: random.Random) -> Path:
    (folder / slug).mkdir(parents=True, exist_ok=True)
    path = folder / slug / "article.md"
    path.write_text(front_matter(title, rng) + markdown, encoding="utf-8")
    return path


PUBLICATION = """\
title: Benchmark journal
lang: ru
csl: chicago-author-date
citation:
  container-title: Benchmark Journal
  issn: 1234-5679
"""


def make_long(root: Path, words: int) -> Path:
    """A project with one long article; returns the article file (pandoc's input too)."""
    rng = random.Random(words)
    source = root / "source"
    source.mkdir(parents=True)
    (source / "publication.yaml").write_text(PUBLICATION)
    scale = words // 30_000
    return article(source, "long", "Долгая статья: a long article", body(rng, words, 200 * scale, 8 * scale,
                                                                        20 * scale), rng)


def make_articles(root: Path, articles: int) -> list[Path]:
    """A project of standalone articles of about 1,500 words each."""
    rng = random.Random(articles)
    source = root / "source"
    source.mkdir(parents=True)
    (source / "publication.yaml").write_text(PUBLICATION)
    return [article(source, f"a{n:03d}", f"Статья {n}: article {n}", body(rng, 1500, 6, 1, 3), rng)
            for n in range(1, articles + 1)]


def make_issue(root: Path, articles: int) -> list[Path]:
    """The same articles gathered into one issue."""
    paths = make_articles(root, articles)
    source = root / "source"
    (source / "issue").mkdir()
    (source / "issue" / "issue.yaml").write_text(
        "citation: {volume: 1, issue: 1}\ndate: 2024\nfirst-page: 1\narticles:\n"
        + "".join(f"  - a{n:03d}\n" for n in range(1, articles + 1)))
    return paths


def make_seed(root: Path, repository: Path) -> Path:
    shutil.copytree(repository / "source", root / "source")
    return root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
