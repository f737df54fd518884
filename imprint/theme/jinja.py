"""Jinja, as Theme (theme/__init__.py) uses it: an environment that reads templates only
through files.py and keeps Imprint's own templates compiled. Imported when a
template is first rendered: the build's own process may never need it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

import jinja2
import markupsafe

from ..errors import SourceError, StyleError
from ..files import read_text, resolve_inside
from ..building.output import write_atomic
from .typography import nbsp_html


def environment(folders: list[tuple[Path, Path]], own: Path, options: Mapping[str, Any]) -> jinja2.Environment:
    """Templates looked up in `folders` (each with the root its files must stay
    inside), in order; those under `own` (Imprint's styles/) compiled once."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([_ConfinedLoader(root, folder) for root, folder in folders]),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_OwnTemplatesCache(own, options),
        **options,
    )
    # {{ text|typeset(lang) }}: non-breaking spaces by the language's rules.
    env.filters["typeset"] = lambda value, lang: nbsp_html(markupsafe.escape(value), lang)
    # {{ size|filesize(t) }}: 170 kB, in the words of the page's language.
    env.filters["filesize"] = _file_size
    return env


def _file_size(size: int, t: Mapping[str, Any]) -> str:
    if size < 1000:
        return f"{size}\u00a0{t['size_b']}"
    if size < 1_000_000:
        return f"{size / 1000:.0f}\u00a0{t['size_kb']}"
    return f"{size / 1_000_000:.1f}\u00a0{t['size_mb']}"


class _ConfinedLoader(jinja2.BaseLoader):
    """Jinja's FileSystemLoader follows symlinks out of the project; this one
    reads templates through files.py like every other file."""

    def __init__(self, root: Path, folder: Path):
        self.root = root
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str):
        path = self.folder.joinpath(*jinja2.loaders.split_template_path(template))
        if not path.exists():
            raise jinja2.TemplateNotFound(template)
        try:
            text = read_text(self.root, path, "template")
        except SourceError as error:
            raise StyleError(error.problems) from None
        resolved = resolve_inside(self.root, path)
        mtime = resolved.stat().st_mtime
        return text, str(path), lambda: resolved.stat().st_mtime == mtime


class _OwnTemplatesCache(jinja2.BytecodeCache):
    """Imprint's own templates compiled once and kept, like its own modules'
    .pyc files, in imprint/__pycache__/ (Jinja's compiler would otherwise take
    some 60 ms of every build). Only templates of Imprint's styles/ are kept: a
    project's own are compiled at each build. Jinja checks each kept file
    against the template's text; a folder that cannot be written is no error."""

    folder = Path(__file__).parent / "__pycache__" / f"templates-jinja-{jinja2.__version__}"

    def __init__(self, own: Path, options: Mapping[str, Any]):
        self._own: set[str] = set()
        self.own_dir, self.options = own, sorted(options.items())

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = hashlib.sha1(f"{name}|{filename}|{self.options}".encode()).hexdigest()
        if filename and Path(filename).is_relative_to(self.own_dir):
            self._own.add(key)
        return key

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._own:
            try:
                with open(self.folder / bucket.key, "rb") as file:
                    bucket.load_bytecode(file)
            except (OSError, EOFError, ValueError, TypeError):
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key not in self._own:
            return
        try:
            write_atomic(self.folder / bucket.key, bucket.bytecode_to_string())  # whoever else writes it
        except OSError:
            pass
