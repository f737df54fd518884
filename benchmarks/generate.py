"""Benchmark inputs, generated the same way every time (a fixed seed): projects
Imprint builds and plain Markdown files pandoc reads.

- long: one article of about 30,000 words, 200 footnotes, 8 tables, Latin and
  Cyrillic text mixed (and `long2`, the same doubled, for how time grows);
- issue: an issue of 50 articles of about 1,500 words each (and `issue2`, 100);
- articles: 50 articles of the same kind on their own (no issue), for `--jobs`;
- math: an article of about 6,000 words with 250 formulas (200 inline, 50 display,
  10 of them numbered and referenced), as a quantitative article has them; and
  `math-words`, the same article with each formula replaced by a word.

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


INLINE = [r"x_{i}", r"\hat{\beta}_{j}", r"\alpha = 0.0{n}", r"n = {n}0", r"\sigma^2_{i}", r"p < 0.0{n}",
          r"\bar{x}_{j} \pm {n}", r"\lambda_{i} \in \mathbb{R}", r"\sum_{k=1}^{n} w_k", r"\sqrt{{n}}",
          r"\frac{a_{i}}{b_{j}}", r"\mathrm{E}[y_{i}]", r"\delta \le 10^{-{n}}", r"t_{i} - t_{j}"]
DISPLAY = [r"\hat{\beta} = (X^\top X)^{-1} X^\top y_{i}",
           r"\mathrm{Var}(\hat{y}_{i}) = \sigma^2 \left(1 + \frac{1}{n} + \frac{(x_{j} - \bar{x})^2}"
           r"{\sum_{k=1}^{n} (x_k - \bar{x})^2}\right)",
           r"L(\theta) = \prod_{i=1}^{n} f(x_i \mid \theta)^{{n}}",
           r"\begin{aligned} y_{i} &= \alpha + \beta x_{j} + \varepsilon \\ \varepsilon &\sim N(0, \sigma^2_{n})"
           r"\end{aligned}",
           r"\Sigma = \begin{pmatrix} \sigma_{i}^2 & \rho \\ \rho & \sigma_{j}^2 \end{pmatrix}",
           r"\int_0^\infty e^{-\lambda_{i} t} \, dt = \frac{1}{\lambda_{i}}"]


def make_math(root: Path, as_words: bool = False) -> Path:
    """A project with one article of 250 formulas (or, `as_words`, the same with a
    word in place of each formula); returns the article file."""
    rng = random.Random(250)
    source = root / "source"
    source.mkdir(parents=True)
    (source / "publication.yaml").write_text(PUBLICATION)

    def formula(templates: list[str]) -> str:
        return rng.choice(templates).replace("{i}", str(rng.randint(1, 9))).replace(
            "{j}", rng.choice("ijkmn")).replace("{n}", str(rng.randint(1, 5)))

    parts, numbered = [], 0
    for section in range(1, 11):
        parts.append(f"# {sentence(rng).rstrip('.!')}\n")
        for paragraph_ in range(5):
            sentences = []
            for _ in range(8):
                words = sentence(rng).split(" ")
                if len(sentences) % 2 == 0:
                    tex = formula(INLINE)
                    words.insert(rng.randint(1, len(words) - 1), "формула" if as_words else f"${tex}$")
                sentences.append(" ".join(words))
            parts.append(" ".join(sentences) + "\n")
            if paragraph_ < 5:
                tex = formula(DISPLAY)
                label = ""
                if paragraph_ == 0:
                    numbered += 1
                    label = f" {{#eq-m{numbered}}}"
                parts.append(("Формула выводится так.\n" if as_words else f"$$\n{tex}\n$${label}\n")
                             + (f"\nСм. @eq-m{numbered}." if label and not as_words else
                                "\nСм. формулу." if label else "") + "\n")
    return article(source, "math", "Статья с формулами", "\n".join(parts), rng)


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
