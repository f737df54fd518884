"""The fonts the editions are set in: the project's own (styles/fonts/, which
an @font-face gives WeasyPrint by file, and a cover design names by file) and
the system's (/usr/share/fonts, /usr/local/share/fonts: the set-up's), never
the builder's.

WeasyPrint finds a family a stylesheet names ("PT Serif") through fontconfig,
whose own configuration (/etc/fonts/fonts.conf) also reads the user's folders
(~/.fonts, ~/.local/share/fonts) and settings (~/.config/fontconfig, through
conf.d/50-user.conf): a "PT Serif" in the builder's ~/.fonts, one glyph moved,
was set in every PDF instead of the system's, and the same project built by two
people gave two PDFs (QA). While WeasyPrint is imported and while it lays out a
document, configured() points fontconfig at a configuration of Imprint's own
(FONTCONFIG_FILE: fontconfig reads it each time it loads a configuration, and
WeasyPrint 70 loads one as it is imported and for each layout, FontConfiguration):
the system's font folders, the rules of /etc/fonts (fonts.conf's own, and each
file of conf.d that loads no other file or folder: 50-user.conf, which loads the
user's, and 51-local.conf are left out), and a cache of the fonts fontconfig
scanned in the project's .imprint-cache/fontconfig/, read before the system's
(/var/cache/fontconfig, which the set-up's fc-cache fills: then nothing is
scanned). fontconfig is also told to use no home at all (FcConfigEnableHome),
and its commands are run with an empty one (fc_environment): typeset.py asks
fc-list which families are installed. Its matching is otherwise the system's
own, fallbacks included (fc-match -s gives the same list as for a user with
no settings: tests/test_fonts.py).

fonts_key() is the part of the build key the fonts make (every system font
file's name, size and time; the bytes of /etc/fonts' rules): a font installed,
removed or updated on the machine builds every edition again (the print
editions are set in them, the covers drawn with them). The project's own fonts
are in the key with the rest of styles/.

This module imports nothing heavy: the build key is made before anything is
known to be built.
"""

from __future__ import annotations

import functools
import hashlib
import os
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Iterator

from ..files import keep

SYSTEM_FONTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
SYSTEM_RULES = Path("/etc/fonts")  # fonts.conf and conf.d/
SYSTEM_CACHE = Path("/var/cache/fontconfig")
CACHE = Path(".imprint-cache") / "fontconfig"  # under the project's root: fonts.conf, cache/
VARIABLE = "FONTCONFIG_FILE"

# The elements of a configuration that name other files or folders: a file of
# conf.d with one of these is left out (what it loads is not the set-up's).
_LOADING = ("include", "dir", "cachedir")


@contextmanager
def configured(root: Path | None) -> Iterator[Path]:
    """While in it, fontconfig loads Imprint's configuration (FONTCONFIG_FILE,
    as it was before once out of it). The configuration's file and the fonts'
    cache are in the project's .imprint-cache/fontconfig/ (written when missing
    or out of date); without a project (`root` None: WeasyPrint imported), or
    where .imprint-cache cannot be written, in a temporary folder removed on
    leaving. Yields the configuration's file."""
    import shutil
    import tempfile

    _without_home()
    folder = _project_folder(root) if root is not None else None
    made = None
    if folder is None:
        folder = made = Path(tempfile.mkdtemp(prefix="imprint-fontconfig-"))
        (folder / "fonts.conf").write_text(config_text(folder / "cache"), encoding="utf-8")  # (this process's)
    before = os.environ.get(VARIABLE)
    os.environ[VARIABLE] = str(folder / "fonts.conf")
    try:
        yield folder / "fonts.conf"
    finally:
        if before is None:
            os.environ.pop(VARIABLE, None)
        else:
            os.environ[VARIABLE] = before
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


def fc_environment(config: Path) -> dict[str, str]:
    """The environment for fontconfig's commands (fc-list, fc-match) with
    Imprint's configuration: as configured(), nothing of the user's home (an
    empty home, no XDG folders: a command cannot be told FcConfigEnableHome)."""
    variables = {name: value for name, value in os.environ.items() if not name.startswith("XDG_")}
    return {**variables, VARIABLE: str(config), "HOME": str(config.parent)}


@functools.cache
def _without_home() -> None:
    """fontconfig told to use nothing of the user's home in this process
    (FcConfigEnableHome(FcFalse): no "~", no XDG folders), before it loads a
    configuration. Imprint's names none of them, but fontconfig 2.14 also reads
    its templates each time it loads one (/usr/share/fontconfig/conf.avail, for
    fc-conflist's descriptions), 50-user.conf among them, and so opened the
    user's ~/.config/fontconfig/fonts.conf (its rules not applied: strace)."""
    import ctypes

    # (the library WeasyPrint opens: one copy in the process; with no fontconfig by
    # that name, WeasyPrint's import tells what is missing)
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libfontconfig.so.1").FcConfigEnableHome(0)


def _project_folder(root: Path) -> Path | None:
    """The project's folder of Imprint's fontconfig configuration, its file as it
    should be; None if it cannot be written."""
    folder = root.absolute() / CACHE  # (named in the configuration: whatever the working folder)
    text = config_text(folder / "cache")
    with suppress(OSError, UnicodeDecodeError):
        if (folder / "fonts.conf").read_text(encoding="utf-8") == text:
            return folder
    # (whole or not at all: workers of one build write it at once; 0o644 as fc-cache's files, which a
    # colleague building the project reads)
    return folder if keep(folder / "fonts.conf", text.encode("utf-8"), 0o644) else None


def config_text(cache: Path) -> str:
    """Imprint's fontconfig configuration, its scanned fonts cached in `cache`."""
    own, included, left_out = _rules()
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
             "<!-- Made by Imprint (imprint/editions/fonts.py) for its print editions: the system's fonts and "
             "rules, none of the user's. Made again when it differs: do not edit. -->",
             "<fontconfig>"]
    lines += [f"  <dir>{escape(str(folder))}</dir>" for folder in SYSTEM_FONTS]
    # (Written to the first that can be written; read from the first that has a
    # valid cache of a folder.)
    lines += [f"  <cachedir>{escape(str(cache))}</cachedir>", f"  <cachedir>{escape(str(SYSTEM_CACHE))}</cachedir>"]
    lines += [own] if own else []
    lines += [f'  <include ignore_missing="yes">{escape(str(path))}</include>' for path in included]
    lines += [f"  <!-- left out: {escape(str(path)).replace('--', '- -')} (it loads other files or folders) -->"
              for path in left_out]
    return "\n".join(lines + ["</fontconfig>", ""])


def escape(text: str) -> str:
    """Text for XML (a project's path may hold & or <). (Not xml.sax.saxutils':
    importing it costs 20 ms, which the build key's import would pay.)"""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_known: dict[tuple, tuple[str, tuple[Path, ...], tuple[Path, ...]]] = {}


def _rules() -> tuple[str, tuple[Path, ...], tuple[Path, ...]]:
    """fonts.conf's own rules (as XML), the files of conf.d to include and those
    left out. Read again when a file of /etc/fonts changed (a few milliseconds)."""
    files = _rule_files()
    state = tuple((str(path), _stat(path)) for path in files)
    if state not in _known:
        import xml.etree.ElementTree as ET

        own, included, left_out = "", [], []
        for path in files:
            try:
                tree = ET.parse(path).getroot()
            except (OSError, ET.ParseError):
                continue  # (fontconfig would complain of it and go on)
            if path.parent == SYSTEM_RULES:  # fonts.conf: its rules, not its folders or includes
                own = "\n".join("  " + ET.tostring(element, encoding="unicode").strip() for element in tree
                                if element.tag not in (*_LOADING, "config", "description"))
            elif any(element.tag in _LOADING for element in tree.iter()):
                left_out.append(path)
            else:
                included.append(path)
        _known.clear()
        _known[state] = (own, tuple(included), tuple(left_out))
    return _known[state]


def _rule_files() -> list[Path]:
    """/etc/fonts/fonts.conf, then conf.d's files in the order fontconfig reads them."""
    folder = SYSTEM_RULES / "conf.d"
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".conf"))
    except OSError:
        names = []
    return [SYSTEM_RULES / "fonts.conf"] + [folder / name for name in names]


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def fonts_key() -> str:
    """What the editions' fonts depend on, on this machine: every font file in the
    system's font folders (its path, size and modification time: a font updated
    by its package gets a new time) and the bytes of fontconfig's rules."""
    sha = hashlib.sha256()
    for path in _rule_files():
        sha.update(str(path).encode() + b"\0")
        try:
            sha.update(path.read_bytes())
        except OSError:
            sha.update(b"\0missing\0")
    for path in _font_files():
        sha.update(f"{path}\0{_stat(Path(path))}\0".encode())
    return sha.hexdigest()


def _font_files() -> list[str]:
    """Every file in the system's font folders (symlinked folders followed, as
    fontconfig follows them, each once: a link may loop)."""
    found, seen = [], set()
    for folder in SYSTEM_FONTS:
        for parent, folders, names in os.walk(folder, followlinks=True):
            seen.add(os.path.realpath(parent))
            folders[:] = sorted(name for name in folders if os.path.realpath(os.path.join(parent, name)) not in seen)
            found += [os.path.join(parent, name) for name in names]
    return sorted(found)
