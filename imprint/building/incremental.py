"""What is up to date, decided from the manifest of the last build, and what this
build made, recorded in the manifest for the next one.

An article is up to date when the build's own key (code, settings, styles,
publication file, shared bibliography, the system's fonts: editions/fonts.py)
and its source files are what they were, and its files in dist/ are those the
manifest lists. An article of an issue is up to date with its whole issue: its
pages depend on every article before it. When an issue is built again, an
article whose sources did not change and which starts on the same page keeps its
page count (building/pagination.py does not lay it out again) and, its key
unchanged, is not built again.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..editions.fonts import fonts_key
from ..settings import MISNAMED_PUBLICATION, Settings, styles_path, unread_document
from .manifest import FILE, Manifest, Unit, build_key, digest, hash_files, relative, shard_file

ASKED = 16  # requests of the command line the manifest remembers the editions of
SAVE_EVERY = 10.0  # seconds between saves of the manifest while a build runs (thousands of units: megabytes)

if TYPE_CHECKING:  # the fast check (up_to_date) imports none of these
    from ..prepare.article import Manuscript
    from ..source.model import Article
    from ..source.model import Issue

class Ledger:
    def __init__(self, settings: Settings, request: str, shared: Iterable[Path]):
        """`request`: what the command line asked (Settings.identity before the
        publication file's choices, which the key covers through the file itself)."""
        self.root = settings.root
        self.dist = settings.dist_dir
        self.shard = settings.shard
        self.shared = self.relative_inputs(shared)
        # (With the system's fonts, which the print editions are set in and the covers drawn with: editions/fonts.py.)
        self.key = digest(build_key(settings.root, request, styles_path(settings.styles_dir),
                                    [self.root / p for p in self.shared]), fonts_key())
        old = Manifest.load(self.dist, shard_file(self.shard) if self.shard else FILE)
        # Units built with another key (other settings, styles, code) are all stale.
        self.old = old if old is not None and old.build_key == self.key and not settings.force else None
        self.new = Manifest(self.key, dict(old.units) if old is not None else {}, self.shared)
        self.changed = False  # a build that writes nothing leaves dist/ as it was, manifest included
        self.request = settings.request()
        self.editions: dict[str, str] = {}  # what this build makes (asking())
        self._own: dict[str, str | None] = {}
        self._saved = time.monotonic()
        self._remember = False
        # Some articles, or some formats (-f pdf): what it does not make again stays the unit's.
        self.partial = bool(settings.articles) or settings.formats is not None

    def asking(self, settings: Settings) -> None:
        """The editions this build makes: `settings` with the publication's choices."""
        self.editions = settings.editions()
        if self.new.asked.get(self.request) != self.editions:  # (remembered: the next such request is answered quickly)
            self.new.asked[self.request] = self.editions
            self._remember = self.old is not None  # (saved even if nothing is built, into a manifest there is)
        for request in sorted(self.new.asked)[:max(0, len(self.new.asked) - ASKED)]:
            if request != self.request:
                del self.new.asked[request]

    # -- what is up to date

    def holds(self, unit: Unit) -> bool:
        """Whether a unit's files are of every edition this build makes, made as it
        would make them (the same paper, crop marks, booklets), and as they were written."""
        return all(unit.editions.get(fmt) == made for fmt, made in self.editions.items()) \
            and unit.outputs_intact(self.dist)

    def fresh(self, slug: str, issue: "Issue | None") -> bool:
        """Whether an article can be left as it is, unread."""
        unit = self._unit(f"article:{slug}")
        if unit is None or not self.holds(unit):
            return False
        if issue is None:
            return unit.pages is None and unit.key == self._key(self.own(slug))
        return self.issue_fresh(issue)

    def issue_fresh(self, issue: "Issue") -> bool:
        unit = self._unit(f"issue:{issue.slug}")
        return unit is not None and self.holds(unit) and unit.key == self.issue_key(issue)

    def known_pages(self, slug: str, first: int, issue: "Issue") -> int | None:
        """The page count of an issue's article whose sources and first page are
        what they were (so its layout would be the same)."""
        unit = self._unit(f"article:{slug}")
        if unit is None or unit.pages is None or unit.pages[0] != first:
            return None
        return unit.pages[1] if unit.key == self._in_issue(self.own(slug), issue.slug, first, unit.pages[1]) else None

    def remembered_pages(self, slug: str) -> int | None:
        """How many pages an issue's article had in the last build (whatever changed
        since: a guess of how many it has now)."""
        unit = self._unit(f"article:{slug}")
        return unit.pages[1] if unit is not None and unit.pages is not None else None

    def stale(self, manuscript: "Manuscript") -> bool:
        """Whether an article made ready must be built (not the case of an issue's
        article whose pages and sources are what they were)."""
        unit = self._unit(f"article:{manuscript.article.slug}")
        if unit is None or not self.holds(unit):
            return True
        return unit.key != self.article_key(manuscript.article)

    # -- keys

    def own(self, slug: str) -> str | None:
        """The key of an article's own sources as the manifest lists them."""
        if slug not in self._own:
            # The units of this build as far as it has gone: the last build's until
            # this one records the article again.
            unit = self.new.units.get(f"article:{slug}")
            self._own[slug] = digest(self.key, hash_files(self.root, unit.inputs)) if unit else None
        return self._own[slug]

    def article_key(self, article: "Article", inputs: list[str] | None = None) -> str:
        own = digest(self.key, hash_files(self.root, inputs)) if inputs is not None else self.own(article.slug)
        if article.issue is None:
            return self._key(own)
        first, last = article.citation.page_span()
        return self._in_issue(own, article.issue, first, last - first + 1)

    def _in_issue(self, own: str | None, issue: str, first: int, count: int) -> str:
        """An issue's article: its sources, its issue's file, where it starts and how long it is."""
        issue_file = hash_files(self.root, [f"source/{issue}/issue.yaml"])
        return digest(self.key, own or "", issue_file, str(first), str(count))

    def issue_key(self, issue: "Issue") -> str:
        sources = [issue.path, *((issue.cover_image,) if issue.cover_image else ())]
        return self._issue_key(self.relative_inputs(sources), issue.articles)

    def _issue_key(self, inputs: list[str], articles: Iterable[str]) -> str:
        return digest(self.key, hash_files(self.root, inputs), *(self.own(slug) or "new" for slug in articles))

    def _key(self, own: str | None) -> str:
        return digest(self.key, own or "")

    def _unit(self, name: str) -> Unit | None:
        return self.old.units.get(name) if self.old is not None else None

    # -- what this build made

    def record(self, name: str, kind: str, key: str, inputs: list[str], folder: str, files: dict[str, bytes],
               listing: dict | None, pages: list[int] | None = None) -> None:
        """A unit this build wrote: `files` are the bytes written, by name in `folder`."""
        self.changed = True
        previous = self.new.units.get(name)
        self.new.units[name] = unit = Unit(kind, key, inputs, {}, listing, pages, dict(self.editions))
        self.new.record_outputs(name, self.dist, {f"{folder}/{file}" if folder else file: data
                                                  for file, data in files.items()})
        if self.partial and previous is not None:  # (its other formats' files, as an earlier build made them:
            for path, made in previous.outputs.items():  # `check` would have called them left over)
                if path not in unit.outputs and previous.output_state(self.dist, path) is None:
                    unit.outputs[path] = made
            if previous.key == key:  # (and, made from the same sources, they are up to date)
                unit.editions = {**previous.editions, **self.editions}
        if kind == "article":
            self._own.pop(name.split(":", 1)[1], None)
        if time.monotonic() - self._saved > SAVE_EVERY:
            self.save(finished=False)

    def relative_inputs(self, paths) -> list[str]:
        return sorted(relative(self.root, Path(path)) for path in paths)

    def inputs_of(self, name: str, paths) -> list[str]:
        """What a unit this build made was made from: in a build of some editions
        (-f pdf), with what its other editions were made from (their cover, say),
        so that its key covers those it keeps."""
        inputs = self.relative_inputs(paths)
        previous = self.new.units.get(name)
        return sorted({*inputs, *previous.inputs}) if self.partial and previous is not None else inputs

    def forget_missing(self, articles: set[str], issues: set[str]) -> None:
        """Drop the units of articles and issues no longer in source/."""
        for name in list(self.new.units):
            kind, _, slug = name.partition(":")
            if (kind == "article" and slug not in articles) or (kind == "issue" and slug not in issues):
                del self.new.units[name]
                self.changed = True

    def save(self, finished: bool = True) -> None:
        """The manifest saved: at the build's end, and while it runs (not `finished`)."""
        if self.changed or self._remember:
            self.new.finished = finished
            self.new.save(self.dist, shard_file(self.shard) if self.shard else FILE)
            self._saved = time.monotonic()


def up_to_date(settings: Settings) -> int | None:
    """How many articles and issues the last build left up to date, when it left
    everything so and nothing in source/ is new; else None. Reads only the
    manifest and the files it lists: no YAML, no Markdown, no WeasyPrint."""
    if settings.force or settings.articles or settings.shard:
        return None
    old = Manifest.load(settings.dist_dir)
    if old is None or not old.finished or settings.request() not in old.asked:
        return None  # (a build stopped half way: its index and catalogue are to be made)
    ledger = Ledger(settings, settings.identity(), [settings.root / p for p in old.shared])
    if ledger.old is None:
        return None
    ledger.editions = old.asked[settings.request()]  # (what the publication file, unchanged, came to)
    source = settings.source_dir
    articles = {p.parent.name for p in source.glob("*/article.md")}
    issues = {p.parent.name for p in source.glob("*/issue.yaml")}
    if _unread(source, articles | issues):
        return None  # (a text the build would tell it does not read: Article.md, index.qmd, publication.yml)
    units = ledger.old.units
    if {n.split(":", 1)[1] for n in units if n.startswith("article:")} != articles or \
            {n.split(":", 1)[1] for n in units if n.startswith("issue:")} != issues:
        return None
    site = units.get("site")
    if site is not None and not (site.listing or {}).get("complete", True):
        return None  # (made while an article failed: its index and catalogue are to be made)
    for name, unit in units.items():
        if not ledger.holds(unit):
            return None
        kind, _, slug = name.partition(":")
        if kind == "article" and unit.pages is None and unit.key != ledger._key(ledger.own(slug)):
            return None
        if kind == "issue":
            members = [a["slug"] for a in (unit.listing or {}).get("articles", ())]
            if ledger._issue_key(unit.inputs, members) != unit.key:
                return None
    return len(articles) + len(issues)


def _unread(source: Path, known: set[str]) -> bool:
    """Whether source/ holds a text no build reads, which a build tells of: a folder
    with Markdown but no article.md (Article.md, index.qmd), or a publication file
    misnamed (publication.yml) where there is no publication.yaml."""
    if not (source / "publication.yaml").exists() and any(
            p.name.lower() in MISNAMED_PUBLICATION for p in source.glob("[Pp]ublication.*")):
        return True
    return any(folder.is_dir() and not folder.name.startswith(("_", ".")) and any(
        unread_document(p) for p in folder.iterdir()) for folder in source.glob("*") if folder.name not in known)
