"""Faults of the machine and of the people around a build: the preview server
asked by a stranger, a build killed, two builds at once, an output folder that is
not Imprint's, files that lead out of the project by ways a path check cannot see
(issue 18, items 4, 9 and 10)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, descendants
from imprint.cli import main
from imprint.settings import Settings
from test_incremental import small_project

FORMATS = ("epub", "json")


# -- the preview server ---------------------------------------------------------


@pytest.fixture
def server(tmp_path):
    """`publish.py serve`'s server on a free port of 127.0.0.1 (nothing built:
    what is asked here needs no file of dist/); yields its port."""
    from imprint.building.watch import Watcher, start_server

    root = small_project(tmp_path, 1)
    (root / "dist").mkdir()
    (root / "dist" / "draft.txt").write_text("a draft\n")
    watcher = Watcher(Settings.for_project(root, formats=FORMATS, environ={}), lambda report, seconds: None)
    served, address = start_server(watcher, 0)
    try:
        yield served.server_address[1]
    finally:
        served.shutdown()
        served.server_close()


def ask(port: int, path: str, host: str | None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """A raw HTTP/1.1 request, as a browser (or a page's script) would send it."""
    lines = [f"{method} {path} HTTP/1.1"] + ([f"Host: {host}"] if host is not None else []) + ["Connection: close"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *fields = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (f.partition(":") for f in fields)}
    return int(status.split()[1]), headers, body


def elements(page: str) -> list[tuple[str, list]]:
    """The elements of an HTML page as a browser's parser finds them, with their attributes."""
    from html.parser import HTMLParser

    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Parser().feed(page)
    return found


@pytest.mark.loopback
def test_the_preview_page_escapes_the_path_it_was_asked_for(server):
    attack = "/__imprint__/preview/'onload='alert(document.domain)'x=%27%22%3E%3Cscript%3Ealert(2)%3C/script%3E"
    status, headers, body = ask(server, attack, f"127.0.0.1:{server}")
    assert status == 200 and headers["content-type"].startswith("text/html")
    tags = elements(body.decode())
    assert [name for name, _ in tags] == ["html", "head", "meta", "title", "body", "iframe", "script"]
    assert sorted(dict(tags[5][1])) == ["src", "style", "title"]  # no attribute of the address's making
    assert not set("'\"<> ") & set(dict(tags[5][1])["src"])  # percent-encoded, a path of this server
    # The frame shows a file of this server, however the path begins.
    for sneaky in ("//evil.example/x.pdf", "/\\evil.example/x.pdf", "/javascript:alert(1)"):
        page = ask(server, "/__imprint__/preview" + sneaky, f"localhost:{server}")[2].decode()
        src = page.split("<iframe src='", 1)[1].split("'", 1)[0]
        assert src.startswith("/") and not src.startswith(("//", "/\\")), src
    page = ask(server, "/__imprint__/preview/a1/a1.pdf", f"127.0.0.1:{server}")[2].decode()
    assert "<iframe src='/a1/a1.pdf'" in page


@pytest.mark.loopback
def test_the_preview_server_answers_only_its_own_names(server):
    for host in (f"127.0.0.1:{server}", f"localhost:{server}", f"LOCALHOST:{server}"):
        status, _, body = ask(server, "/draft.txt", host)
        assert (status, body) == (200, b"a draft\n"), host
    assert ask(server, "/__imprint__/version", f"localhost:{server}")[0] == 200
    # A name pointed at 127.0.0.1 by a page the editor visits (DNS rebinding), or none.
    for host in ("evil.example", f"evil.example:{server}", "127.0.0.1", f"127.0.0.1:{server + 1}",
                 f"127.0.0.1:{server}.evil.example", None):
        for path in ("/draft.txt", "/__imprint__/version", "/__imprint__/preview/a1/a1.pdf", "/"):
            status, headers, body = ask(server, path, host)
            assert status == 403, (host, path)
            assert headers["content-type"].startswith("text/plain") and b"draft" not in body
            assert body.decode().startswith("this preview server answers only http://127.0.0.1:")
    assert ask(server, "/draft.txt", "evil.example", method="HEAD")[0] == 403


# -- a build stopped from outside -----------------------------------------------


def long_project(where: Path, count: int, paragraphs: int) -> Path:
    """`count` articles, each long enough that laying it out takes a worker a while."""
    from conftest import make_project

    source = where / "src"
    text = " ".join(f"Sentence {n} of a long paragraph about borders, treaties and archives." for n in range(12))
    for number in range(1, count + 1):
        folder = source / f"a{number}"
        folder.mkdir(parents=True)
        body = "\n\n".join(f"## Section {n}\n\n{text}[^{n}]\n\n[^{n}]: A note." for n in range(paragraphs))
        (folder / "article.md").write_text(
            f"---\ntitle: Article {number}\nauthor: Ann Example\nlang: en\ndate: 2024\n---\n\n{body}\n")
    (source / "publication.yaml").write_text("citation:\n  container-title: The Test Journal\n")
    return make_project(where / "project", source)


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_build_stopped_mid_way_leaves_no_worker_and_no_traceback(tmp_path, how):
    """Stopped while its two workers lay out articles, the build's workers end
    with it at once and quietly (they rendered on to the end of their unit, then
    failed to send it back to a process no longer there)."""
    root = long_project(tmp_path, 4, 120)
    build = subprocess.Popen([sys.executable, str(REPO / "publish.py"), "-C", str(root), "-f", "pdf", "-j", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and build.poll() is None:  # until a worker runs Pandoc: it has a unit
        children = descendants(build.pid)
        seen |= children
        if len(children) > 2:
            break
        time.sleep(0.01)
    time.sleep(1.0)  # mid-way through laying out the articles
    seen |= descendants(build.pid)
    assert build.poll() is None, "the build ended before it could be stopped: give it more to do"
    os.kill(build.pid, how)
    build.wait(timeout=30)
    time.sleep(1.0)  # the kernel's signals are immediate; a worker still rendering is not stopped
    left = [pid for pid in seen if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    out, err = build.communicate(timeout=30)
    assert not left, f"processes of the build still running after it was stopped: {left}"
    assert "Traceback" not in err and "Error" not in err, err
    if how == signal.SIGTERM:
        assert build.returncode == 143 and "stopped (SIGTERM)" in err
    assert not list((root / "dist").rglob("*.tmp"))


@pytest.mark.parametrize("command", ["watch", "serve"])
def test_a_watch_stopped_by_sigterm_says_so_as_a_build_does(tmp_path, command):
    """README: SIGTERM is handled as Ctrl+C is, `stopped (SIGTERM)`, exit 143 (a
    watch or a preview server ended silently with exit 0)."""
    root = long_project(tmp_path, 1, 1)
    extra = ["--port", "0"] if command == "serve" else []
    watch = subprocess.Popen([sys.executable, str(REPO / "publish.py"), command, "-C", str(root), "-f", "json",
                              *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        first = ""
        while time.monotonic() < deadline and not first:  # (serving ... / watching ...: it runs)
            first = watch.stdout.readline()
        assert first.startswith(("serving", "watching")), first
        time.sleep(0.5)
        os.kill(watch.pid, signal.SIGTERM)
        out, err = watch.communicate(timeout=30)
    finally:
        watch.kill()
    assert watch.returncode == 143 and "stopped (SIGTERM)" in err, (watch.returncode, err)
    assert "Traceback" not in err


# -- two builds at once; an output folder that is not Imprint's ------------------


def test_a_second_build_is_refused_while_another_writes_dist(tmp_path, capsys, monkeypatch):
    """Two builds writing one dist/ each saved a manifest without the other's
    units. The second says which process holds the folder, and exits 2."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = small_project(tmp_path, 2)
    assert main(["build", "-q", "-C", str(root), "-f", "json"]) == 0
    lock = root / "dist" / ".imprint" / "lock"
    assert lock.is_file()
    # Another build, in the middle of its work (a process of its own: a lock held
    # here would be inherited by the workers the next build forks).
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; f = open(sys.argv[1], 'r+'); fcntl.flock(f, fcntl.LOCK_EX); "
         "f.truncate(0); f.write(f'{os.getpid()}\\n'); f.flush(); print('held', flush=True); sys.stdin.read()",
         str(lock)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # (stdin: the workers forked here share it)
    try:
        assert holder.stdout.readline() == "held\n"
        article = root / "source" / "a1" / "article.md"
        article.write_text(article.read_text().replace("The text", "New text"))
        assert main(["build", "-q", "-C", str(root), "-f", "json"]) == 2
        err = capsys.readouterr().err
        assert f"error: another build (process {holder.pid}) is writing {root / 'dist'}; wait for it to end" in err
        assert "Traceback" not in err
    finally:
        holder.kill()
        holder.wait(timeout=30)
    # Released, the folder is this build's; the lock is no file of the edition, the site or the manifest.
    assert main(["build", "-q", "-C", str(root), "-f", "json,site"]) == 0
    units = json.loads((root / "dist" / ".imprint" / "manifest.json").read_text())["units"]
    written = [name for unit in units.values() for name in unit["outputs"]]
    assert "a1/a1.json" in written and not [name for name in written if "lock" in name or ".imprint" in name]
    assert ".imprint" not in (root / "dist" / "index.html").read_text()


@pytest.mark.slow
def test_two_builds_started_at_once_lose_no_manifest_update(tmp_path):
    """Real processes: two builds of different articles started together each
    read the manifest, added their article and saved it, the last without the
    other's. Now the second says the first holds dist/ (its process id) and
    exits 2; run again, it builds, and the manifest has both."""
    root = small_project(tmp_path, 2)
    command = [sys.executable, str(REPO / "publish.py"), "-q", "-C", str(root), "-f", "json,epub", "-j", "1"]
    builds = {slug: subprocess.Popen(command + [slug], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for slug in ("a1", "a2")}
    ended = {slug: (build.wait(timeout=120), build.stderr.read()) for slug, build in builds.items()}
    for slug, (code, said) in ended.items():
        assert "Traceback" not in said
        if code == 2:
            other = builds["a2" if slug == "a1" else "a1"]
            assert f"another build (process {other.pid}) is writing {root / 'dist'}" in said
            again = subprocess.run(command + [slug], capture_output=True, text=True, timeout=120)
            assert again.returncode == 0, again.stderr
        else:
            assert code == 0, said
    units = json.loads((root / "dist" / ".imprint" / "manifest.json").read_text())["units"]
    assert "article:a1" in units and "article:a2" in units


def test_an_output_folder_with_other_files_is_refused(tmp_path, capsys, monkeypatch):
    """`-o /` run as root wrote articles' folders into /: an output folder must
    be empty, or one Imprint wrote (it holds .imprint/)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = small_project(tmp_path, 1)
    home = tmp_path / "home"
    (home / "photos").mkdir(parents=True)
    (home / "notes.txt").write_text("mine\n")
    assert main(["build", "-C", str(root), "-o", str(home), "-f", "json"]) == 2
    err = capsys.readouterr().err
    assert f"error: the output folder {home} is not empty and was not made by Imprint" in err
    assert sorted(p.name for p in home.iterdir()) == ["notes.txt", "photos"]  # nothing written
    (tmp_path / "a-file").write_text("x")
    assert main(["build", "-C", str(root), "-o", str(tmp_path / "a-file"), "-f", "json"]) == 2
    assert "cannot write in the output folder" in capsys.readouterr().err
    # The project folder itself is not an output folder either.
    assert main(["build", "-C", str(root), "-o", str(root), "-f", "json"]) == 2
    # An empty folder, and then the same folder again, are fine.
    (tmp_path / "empty").mkdir()
    for _ in range(2):
        assert main(["build", "-q", "-C", str(root), "-o", str(tmp_path / "empty"), "-f", "json"]) == 0


# -- an SVG in another encoding --------------------------------------------------


def test_an_svg_in_utf16_without_entities_is_still_an_image(tmp_path):
    """The entity check reads the text as the XML parser does: an honest SVG saved
    as UTF-16 or Latin-1 is shown; one whose text cannot be decoded is refused."""
    from imprint.source.images import load_image

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>Größe</title></svg>'
    declared = '<?xml version="1.0" encoding="UTF-16"?>'
    (tmp_path / "a.svg").write_bytes(b"\xff\xfe" + (declared + svg).encode("utf-16-le"))
    (tmp_path / "b.svg").write_bytes(('<?xml version="1.0" encoding="ISO-8859-1"?>' + svg).encode("latin-1"))
    (tmp_path / "c.svg").write_bytes(('<?xml version="1.0" encoding="x-klingon"?>' + svg).encode())
    for name in ("a.svg", "b.svg"):
        assert load_image(tmp_path, tmp_path, name).media_type == "image/svg+xml"
    with pytest.raises(ValueError, match="'c.svg' is written in the encoding 'x-klingon', which Imprint does not read"):
        load_image(tmp_path, tmp_path, "c.svg")


# -- hard links ------------------------------------------------------------------


def hard_linked_project(tmp_path: Path) -> Path:
    """A project whose article, bibliography and image are other names (hard links)
    of files outside it: to every path check, files inside the project."""
    from PIL import Image

    root = small_project(tmp_path, 2)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "draft.md").write_text(
        "---\ntitle: Article 1\nauthor: Ann Example\nlang: en\ndate: 2024\nbibliography: refs.bib\n---\n\n"
        "The text [@secret].\n\n![A photo](photo.png)\n")
    (outside / "secret.bib").write_text("@book{secret, title = {Not for the build}, author = {Doe, Jane}, "
                                        "year = {2020}, publisher = {P}}\n")
    Image.new("RGB", (8, 8), "red").save(outside / "photo.png")
    folder = root / "source" / "a1"
    (folder / "article.md").unlink()
    os.link(outside / "draft.md", folder / "article.md")
    os.link(outside / "secret.bib", folder / "refs.bib")
    os.link(outside / "photo.png", folder / "photo.png")
    return root


def test_strict_confinement_refuses_files_with_another_name(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = hard_linked_project(tmp_path)
    # By default a hard link is read like any file (a git clone makes none): as before.
    assert main(["build", "-q", "-C", str(root), "-o", str(tmp_path / "trusting"), "-f", "epub"]) == 0
    with zipfile.ZipFile(tmp_path / "trusting" / "a1" / "a1.epub") as epub:
        assert any(b"Doe" in epub.read(name) for name in epub.namelist())  # the bibliography outside
    capsys.readouterr()
    # --strict, as a build service runs it: each such file named, nothing built, exit 2.
    assert main(["build", "--strict", "-C", str(root), "-f", "json"]) == 2
    err = capsys.readouterr().err
    for name in ("article.md", "photo.png", "refs.bib"):
        assert (f"error: source/a1/{name}: the file has 2 names (hard links); --strict refuses such files, since "
                "another of its names may lie outside the project") in err, err
        assert f"cp {name} {name}.copy && mv {name}.copy {name}" in err
    assert "3 problems" in err and "Traceback" not in err
    assert not list((root / "dist").glob("a*"))
    # Given names of their own, the files are the project's: the strict build goes through.
    for name in ("article.md", "photo.png", "refs.bib"):
        path = root / "source" / "a1" / name
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    assert main(["build", "-q", "--strict", "-C", str(root), "-f", "json"]) == 0


@pytest.mark.parametrize("name", [
    "source/a1/article.md",  # (read by the build, loading the sources)
    "source/a1/refs.bib",  # (in the unit's own process: an article outside any issue is prepared there)
    "source/a1/photo.png",
    "styles/csl/utmn-humanitates.csl",  # (found by the theme early, read much later)
])
def test_strict_confinement_refuses_a_file_made_a_hard_link_after_the_scan(name, tmp_path, capsys, monkeypatch):
    """--strict looks for hard links once, before anything is read; a file swapped
    for a hard link to a file outside the project after that look is refused as
    it is read, by the build or in the unit's process, not read."""
    from imprint import pipeline

    monkeypatch.setenv("NO_COLOR", "1")
    root = hard_linked_project(tmp_path)
    for path in (root / "source" / "a1").iterdir():  # the project's own files, to begin with
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    with (root / "source" / "publication.yaml").open("a", encoding="utf-8") as publication:
        publication.write("csl: utmn-humanitates\n")
    outside = tmp_path / "outside" / Path(name).name
    outside.write_bytes((root / name).read_bytes())
    scan = pipeline.confinement_problems

    def scan_then_swap(settings):
        found = scan(settings)
        (root / name).unlink()
        os.link(outside, root / name)
        return found

    # Without --strict the same swap is read, as any file is (and checking costs nothing).
    monkeypatch.setattr(pipeline, "confinement_problems", scan_then_swap)
    assert main(["build", "-q", "-C", str(root), "-o", str(tmp_path / "trusting"), "-f", "epub"]) == 0
    (root / name).unlink()
    (root / name).write_bytes(outside.read_bytes())
    capsys.readouterr()
    assert main(["build", "--strict", "-C", str(root), "-f", "epub"]) == 2
    err = capsys.readouterr().err
    where = "source/a1/article.md:11" if name.endswith(".png") else name  # (an image: where the text shows it)
    assert (f"error: {where}: the file has 2 names (hard links); --strict refuses such files, since another of its "
            "names may lie outside the project") in err, err
    assert (f"cp {Path(name).name} {Path(name).name}.copy && mv" in err if where == name else
            f"({name})" in err) and "Traceback" not in err
    assert not (root / "dist" / "a1" / "a1.epub").exists()


def test_strict_confinement_checks_a_style_again_when_its_references_are_formatted(tmp_path):
    """A CSL style is found (and checked) by the theme early, and read for the
    references much later: that read checks it again."""
    import time

    from imprint.body.references import format_references
    from imprint.errors import SourceError
    from imprint.files import refusing_links

    root = small_project(tmp_path, 1)
    style = root / "styles" / "csl" / "utmn-humanitates.csl"
    os.link(style, tmp_path / "elsewhere.csl")
    with refusing_links(root), pytest.raises(SourceError, match="styles/csl/utmn-humanitates.csl: the file has 2 "
                                                                  "names"):
        format_references([], [style], "en", file="source/a1/article.md", deadline=time.monotonic() + 60)


def test_strict_confinement_refuses_to_send_a_dask_worker_a_file_with_another_name(tmp_path):
    """A Dask worker without the project reads copies of its files (a snapshot),
    each a file of its own: under --strict, what they are copies of is checked as
    the snapshot is taken. Otherwise the snapshot is taken as before."""
    from imprint.building.snapshot import take
    from imprint.errors import SourceError
    from imprint.files import refusing_links

    root = small_project(tmp_path, 1)
    (tmp_path / "secret.bib").write_text("@book{secret, title = {Not for the build}}\n")
    os.link(tmp_path / "secret.bib", root / "source" / "a1" / "refs.bib")
    assert b"Not for the build" in take(root, [root / "source" / "a1"]).files["source/a1/refs.bib"]
    with refusing_links(root), pytest.raises(SourceError, match="source/a1/refs.bib: the file has 2 names"):
        take(root, [root / "source" / "a1"])
    with refusing_links(root):
        assert "source/publication.yaml" in take(root, []).files


def _read_in_project(root: Path, name: str) -> bytes:
    from imprint.files import read_bytes

    return read_bytes(root, root / name)


def test_a_link_out_of_the_project_is_sent_to_a_dask_worker_as_a_link_never_read(tmp_path):
    """Whatever --strict says, the snapshot a Dask worker without the project gets
    never reads a file a symbolic link leads to outside the project: it carries
    the link, which the unit on the worker refuses as a build here does. A link
    to a folder inside the project is carried as that folder's files, under the
    link's name; a link up to a folder that holds it (which would copy the project
    into itself) and a loop of links are left out."""
    from imprint.building.snapshot import forget, run_in, take
    from imprint.errors import SourceError

    root = small_project(tmp_path, 1)
    folder = root / "source" / "a1"
    (tmp_path / "secret.bib").write_text("@book{secret, title = {Not for the build}}\n")
    (folder / "refs.bib").symlink_to(tmp_path / "secret.bib")
    (tmp_path / "outside").mkdir()
    (folder / "elsewhere").symlink_to(tmp_path / "outside")
    (root / "shared").mkdir()
    (root / "shared" / "figure.txt").write_text("shared figure")
    (folder / "figures").symlink_to(Path("..") / ".." / "shared")
    (folder / "up").symlink_to(Path(".."))
    (folder / "self").symlink_to("self")  # (a loop: Python 3.11's resolve() raises RuntimeError)
    snapshot = take(root, [folder])
    assert not any(b"Not for the build" in data for data in snapshot.files.values())
    assert snapshot.links == {"source/a1/refs.bib": str((tmp_path / "secret.bib").resolve()),
                              "source/a1/elsewhere": str((tmp_path / "outside").resolve())}
    assert snapshot.files["source/a1/figures/figure.txt"] == b"shared figure"
    assert not any(name.startswith(("source/a1/up/", "source/a1/self")) for name in snapshot.files | snapshot.links)
    forget()
    try:
        with pytest.raises(SourceError, match=r"source/a1/refs.bib: file lies outside the project") as here:
            _read_in_project(root, "source/a1/refs.bib")
        with pytest.raises(SourceError, match=r"source/a1/refs.bib: file lies outside the project") as there:
            run_in(snapshot, _read_in_project, (root, "source/a1/refs.bib"), always=True)
        assert str(there.value) == str(here.value)
        assert run_in(snapshot, _read_in_project, (root, "source/a1/figures/figure.txt"), always=True) == \
            b"shared figure"
    finally:
        forget()


def test_strict_confinement_leaves_out_git_and_the_output_folder(tmp_path):
    from imprint.files import linked_files

    root = small_project(tmp_path, 1)
    (root / ".git" / "objects").mkdir(parents=True)
    (root / "dist").mkdir()
    for folder in (root / ".git" / "objects", root / "dist"):
        (folder / "a").write_text("x")
        os.link(folder / "a", folder / "b")
    assert linked_files(root, [root / "dist"]) == []
    assert [p.file for p in linked_files(root)] == ["dist/a", "dist/b"]


def test_a_build_that_writes_nothing_leaves_no_output_folder(tmp_path, capsys):
    root = small_project(tmp_path, 1)
    (root / "source" / "publication.yaml").write_text("editions: [nonsense]\n")
    assert main(["build", "-q", "-C", str(root), "-f", "json"]) == 2
    assert not (root / "dist").exists()
    (tmp_path / "empty").mkdir()
    assert main(["build", "-q", "-C", str(root), "-o", str(tmp_path / "empty"), "-f", "json"]) == 2
    assert list((tmp_path / "empty").iterdir()) == []
