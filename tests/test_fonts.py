"""The print editions are set in the system's fonts and the project's, never in
the builder's: a "PT Serif" of one's own in ~/.fonts (a higher fontRevision,
one glyph moved, as QA made it) changes no byte of any edition; fontconfig with
Imprint's configuration lists no font of the home; the build key follows the
system's font files."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import REPO, make_project
from imprint import build
from imprint.building.incremental import up_to_date
from imprint.editions import fonts
from imprint.settings import Settings

HOME_FAMILY = "Imprint Home Only"  # a family installed in the test's home, nowhere else


def system_file(pattern: str) -> Path:
    """The system's font file of a fontconfig pattern (as Imprint's configuration finds it)."""
    with fonts.configured(None) as config:
        found = subprocess.run(["fc-match", pattern, "file"], capture_output=True, text=True,
                               env=fonts.fc_environment(config), check=True).stdout
    return Path(found.removeprefix(":file=").strip())


def moved(source: Path, target: Path, family: str | None = None) -> None:
    """A copy of a font, its head.fontRevision one higher and its "a" moved 40
    units right (what QA put in ~/.fonts); renamed to `family` if given."""
    from fontTools.ttLib import TTFont

    font = TTFont(source)
    font["head"].fontRevision += 1
    glyphs = font["glyf"]
    glyph = glyphs[font.getBestCmap()[ord("a")]]
    glyph.coordinates.translate((40, 0))
    glyph.recalcBounds(glyphs)
    if family is not None:
        for record in font["name"].names:
            if record.nameID in (1, 4, 16):
                record.string = family
            elif record.nameID == 6:
                record.string = family.replace(" ", "")
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A builder's home: PT Serif of its own in ~/.fonts, a family of its own in
    ~/.local/share/fonts, and a fontconfig configuration of its own that adds a
    folder and prefers that family for serif."""
    home = tmp_path_factory.mktemp("home")
    for style in ("PT Serif", "PT Serif:bold", "PT Serif:italic", "PT Serif:bold:italic"):
        source = system_file(style)
        moved(source, home / ".fonts" / f"{source.stem}-own.ttf")
    moved(system_file("PT Serif"), home / ".local" / "share" / "fonts" / "HomeOnly.ttf", HOME_FAMILY)
    moved(system_file("PT Serif"), home / "more-fonts" / "More.ttf", HOME_FAMILY)
    (home / ".config" / "fontconfig").mkdir(parents=True)
    (home / ".config" / "fontconfig" / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{home / 'more-fonts'}</dir>\n"
        f'  <alias binding="strong"><family>serif</family><prefer><family>{HOME_FAMILY}</family></prefer></alias>\n'
        "</fontconfig>\n")
    return home


def revisions(pdf: bytes) -> dict[str, float]:
    """The head.fontRevision of each TrueType font embedded in a PDF, by name."""
    from fontTools.ttLib import TTFont

    found = {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for item in document.objects:
            if isinstance(item, pikepdf.Dictionary) and "/FontFile2" in item:
                found[str(item.FontName).split("+")[-1]] = TTFont(io.BytesIO(item.FontFile2.read_bytes()))[
                    "head"].fontRevision
    return found


@pytest.fixture
def system_config(tmp_path) -> Path:
    """fontconfig's own configuration (/etc/fonts/fonts.conf, the user's folders
    and settings included), its cache written in the test's folder: as root it
    wrote the caches of the test's homes into the system's /var/cache/fontconfig."""
    config = tmp_path / "system.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                      f"<fontconfig><cachedir>{tmp_path / 'system-cache'}</cachedir>"
                      "<include>/etc/fonts/fonts.conf</include></fontconfig>\n")
    return config


def fc(command: list[str], home: Path, config: Path) -> str:
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith("XDG_")}, "HOME": str(home),
                   fonts.VARIABLE: str(config)}
    return subprocess.run(command, capture_output=True, text=True, env=environment, check=True).stdout


def test_fontconfig_with_imprints_configuration_finds_no_font_of_the_home(home, tmp_path, system_config):
    with fonts.configured(tmp_path) as config:
        # The home is one fontconfig reads with its own configuration (else this test proves nothing).
        assert fc(["fc-match", "PT Serif", "file"], home, system_config).startswith(f":file={home}")
        assert HOME_FAMILY in fc(["fc-list", ":", "family"], home, system_config)
        # With Imprint's: the system's PT Serif; no font of the home listed, its family unknown.
        assert fc(["fc-match", "PT Serif", "file"], home, config) == f":file={system_file('PT Serif')}\n"
        assert str(system_file("PT Serif")).startswith("/usr/share/fonts/")
        listed = fc(["fc-list", ":", "file", "family"], home, config)
        assert str(home) not in listed and HOME_FAMILY not in listed and "PT Serif" in listed
        # And else the system's own matching, fallbacks included (its rules, in its order):
        # as fontconfig's configuration gives it to a user who has none of their own.
        bare = tmp_path / "bare-home"
        bare.mkdir()
        for pattern in ("PT Serif", "PT Serif:lang=ru", "serif", "sans-serif", "monospace", "Times New Roman",
                        "DejaVu Sans Mono:bold", "Minion Pro"):
            assert fc(["fc-match", "-s", pattern, "file"], home, config) == \
                fc(["fc-match", "-s", pattern, "file"], bare, system_config), pattern


def test_imprints_configuration_names_nothing_of_the_home(tmp_path, monkeypatch):
    root = tmp_path / "R&D <journal>"
    root.mkdir()
    monkeypatch.setenv(fonts.VARIABLE, "/the/users/own.conf")
    with fonts.configured(root) as config:
        assert config == root / ".imprint-cache" / "fontconfig" / "fonts.conf"
        assert os.environ[fonts.VARIABLE] == str(config)
        text = config.read_text(encoding="utf-8")
    assert os.environ[fonts.VARIABLE] == "/the/users/own.conf"  # (as it was, once out of it)
    assert "~" not in text and "prefix=" not in text and "xdg" not in text.lower()
    assert "<dir>/usr/share/fonts</dir>" in text and "<dir>/usr/local/share/fonts</dir>" in text
    assert f"<cachedir>{tmp_path}/R&amp;D &lt;journal&gt;/.imprint-cache/fontconfig/cache</cachedir>" in text
    assert "<cachedir>/var/cache/fontconfig</cachedir>" in text
    included = [line for line in text.splitlines() if "<include" in line]
    assert included and not [line for line in included if "50-user" in line or "51-local" in line]
    # A project whose .imprint-cache cannot be written: a temporary one, removed after.
    other = tmp_path / "read-only"
    other.mkdir()
    (other / ".imprint-cache").write_text("not a folder")
    with fonts.configured(other) as config:
        assert not config.is_relative_to(other) and config.is_file()
    assert not config.exists()


def test_a_font_only_in_the_home_is_told_as_not_installed(home, tmp_path, monkeypatch):
    from imprint.editions.pdf.typeset import _unknown_fonts

    stylesheet = tmp_path / "styles" / "css" / "print.css"
    stylesheet.parent.mkdir(parents=True)
    stylesheet.write_text(f'body {{ font-family: "PT Serif", serif; }}\nh1 {{ font-family: "{HOME_FAMILY}"; }}\n')
    monkeypatch.setenv("HOME", str(home))
    problems = _unknown_fonts([stylesheet], tmp_path)
    assert [(p.file, p.line) for p in problems] == [("styles/css/print.css", 2)]
    assert HOME_FAMILY in problems[0].message and "home folder" in problems[0].hint


def test_a_layout_sets_the_systems_pt_serif_and_reads_nothing_of_the_home(home, tmp_path):
    """In a process of its own (WeasyPrint imported there, with HOME the builder's).
    fontconfig tells which configuration files it reads (FC_DEBUG=1024): it also
    scanned the user's for its description (fontconfig 2.14 reads its templates,
    50-user.conf among them, with every configuration), until told to use no home."""
    code = ("import sys; from pathlib import Path; from imprint.editions.raster import typeset; "
            "Path(sys.argv[2]).write_bytes(typeset('<p style=\"font-family: PT Serif\">a</p>"
            "<p style=\"font-family: serif\">b</p>', Path(sys.argv[1]).as_uri() + '/', Path(sys.argv[1])))")
    environment = {**os.environ, "HOME": str(home), "FC_DEBUG": "1024"}
    environment.pop(fonts.VARIABLE, None)
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path), str(tmp_path / "a.pdf")], capture_output=True,
                         text=True, env=environment, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert f"Loading config file from {tmp_path}/.imprint-cache/fontconfig/fonts.conf" in run.stdout
    assert str(home) not in run.stdout + run.stderr
    from fontTools.ttLib import TTFont

    assert revisions((tmp_path / "a.pdf").read_bytes()) == {
        "PT-Serif": TTFont(system_file("PT Serif"))["head"].fontRevision,
        "DejaVu-Serif": TTFont(system_file("DejaVu Serif"))["head"].fontRevision}


def test_the_build_key_follows_the_systems_font_files(tmp_path, monkeypatch):
    folders = (tmp_path / "share", tmp_path / "local")
    (folders[0] / "truetype").mkdir(parents=True)
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", folders)
    font = folders[0] / "truetype" / "A.ttf"
    font.write_bytes(b"one")
    first = fonts.fonts_key()
    assert fonts.fonts_key() == first
    font.write_bytes(b"two!")  # (updated: its size, its time)
    assert fonts.fonts_key() != first
    second = fonts.fonts_key()
    os.utime(font, ns=(1, 1))  # (touched: reinstalled by its package)
    assert fonts.fonts_key() != second
    third = fonts.fonts_key()
    (folders[1]).mkdir()
    shutil.copy(font, folders[1] / "B.ttf")  # (another installed)
    assert fonts.fonts_key() != third
    (folders[0] / "linked").symlink_to(folders[0])  # (a folder linked into itself: no endless walk)
    fonts.fonts_key()


def test_other_system_fonts_build_the_articles_again(tmp_path, monkeypatch):
    source = tmp_path / "src" / "a1"
    source.mkdir(parents=True)
    (source / "article.md").write_text("---\ntitle: One\nauthor: Ann Example\nlang: en\ndate: 2024\n---\n\nText.\n")
    root = make_project(tmp_path / "project", tmp_path / "src")
    settings = Settings.for_project(root, formats=("json",), environ={})
    assert build(settings).ok and up_to_date(settings) == 1
    monkeypatch.setattr("imprint.building.incremental.fonts_key", lambda: "a font installed since")
    assert up_to_date(settings) is None
    again = build(settings)
    assert again.ok and again.up_to_date == [] and again.articles == ["a1"]


@pytest.mark.slow  # (two builds of every edition: seconds)
def test_a_pt_serif_in_the_home_changes_no_byte_of_any_edition(home, tmp_path):
    root = make_project(tmp_path / "project", REPO / "source")
    bare = tmp_path / "bare-home"
    bare.mkdir()
    made = {}
    for name, where in (("bare", bare), ("own", home)):
        environment = {k: v for k, v in os.environ.items() if k not in (fonts.VARIABLE, "SOURCE_DATE_EPOCH")}
        environment["HOME"] = str(where)
        out = tmp_path / name
        run = subprocess.run([sys.executable, str(REPO / "publish.py"), "build", "-q", "-C", str(root), "-o",
                              str(out), "-f", "epub,pdf,archive,handout"], capture_output=True, text=True,
                             env=environment)
        assert run.returncode == 0, run.stderr
        made[name] = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*"))
                      if p.is_file() and ".imprint" not in p.relative_to(out).parts}
    assert len(made["bare"]) == 4 and made["bare"] == made["own"]
    pdf = made["own"][Path("batunaev-2019-khalkhin-gol/batunaev-2019-khalkhin-gol.pdf")]
    from fontTools.ttLib import TTFont

    system = TTFont(system_file("PT Serif"))["head"].fontRevision
    assert set(revisions(pdf).values()) == {system}


def test_a_font_s_warnings_are_told_once_at_their_lines(tmp_path):
    """A journal font without Cyrillic was told of for each article, at the article's
    file, and a font that is nowhere twice, as nowhere and as lacking the letters
    (QA 26 F12); a character no font has was told without a line (F14): each at
    the line that asks for the font, or writes the character."""
    from fontTools import subset

    source = tmp_path / "source"
    for slug, title, extra in (("a", "a", "Знак \U00013000 здесь.\n"), ("b", "b \U00013000", "")):
        (source / slug).mkdir(parents=True)
        (source / slug / "article.md").write_text(f"---\ntitle: Статья {title}\nlang: ru\n---\n\n"
                                                  f"Первый абзац.\n\n{extra}", encoding="utf-8")
    styles = tmp_path / "styles"
    (styles / "fonts").mkdir(parents=True)
    subset.main([str(system_file("DejaVu Serif")), "--unicodes=U+0000-024F,U+2000-206F",
                 f"--output-file={styles / 'fonts' / 'LatinSerif.ttf'}"])
    (styles / "css").mkdir()
    (styles / "css" / "print.css").write_text(
        '@font-face { font-family: "Latin Serif"; src: url(../fonts/LatinSerif.ttf); }\n'
        'html { font-family: "Latin Serif", serif; }\nh1 { font-family: "Minion Pro", serif; }\n')
    root = make_project(tmp_path / "project", source, styles)
    report = build(Settings.for_project(root, formats=("pdf",), environ={}))
    assert report.ok, report.problems
    fonts_told = [(w.file, w.line, w.message) for w in report.warnings if "'Latin Serif'" in w.message
                  or "'Minion Pro'" in w.message]
    assert fonts_told == [
        ("styles/css/print.css", 2, "the font 'Latin Serif' has no Cyrillic letters: the print edition sets its "
                                    "Cyrillic text in 'DejaVu Serif' instead"),
        ("styles/css/print.css", 3, "the font 'Minion Pro' is neither installed nor given by an @font-face: the "
                                    "print edition sets the text in the machine's fallback font")], fonts_told
    if not subprocess.run(["fc-list", ":charset=13000", "family"], capture_output=True, text=True).stdout.strip():
        boxes = [(w.file, w.line) for w in report.warnings if "no font on this machine" in w.message]
        assert boxes == [("source/a/article.md", 8), ("source/b/article.md", 2)], boxes
