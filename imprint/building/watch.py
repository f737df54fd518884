"""`publish.py watch` and `serve`: build, then build again whenever a file of the
project changes, in the same process (WeasyPrint and the templates stay loaded,
and the manifest keeps what did not change), optionally serving dist/ on
loopback with pages that reload themselves after each build.

Changes are found by polling the modification times of source/ and styles/
(no system watcher needed); a burst of saves is built once.
"""

from __future__ import annotations

import html
import http.server
import json
import threading
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote

from ..errors import ImprintError
from ..settings import Settings

POLL = 0.1  # seconds between looks at the files
SETTLE = 0.05  # a change must be this old before a build starts (editors save in steps)
RELOAD_PATH = "/__imprint__/version"
PREVIEW_PATH = "/__imprint__/preview/"
HOST = "127.0.0.1"  # loopback only: no other machine reaches the drafts


def snapshot(settings: Settings) -> dict[str, tuple[int, int]]:
    """Every file of source/ and styles/ with its size and modification time."""
    found = {}
    for folder in (settings.source_dir, settings.styles_dir):
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    stat = path.stat()
                    found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


class Watcher:
    """Builds the project, and again after each change, as `step` is called."""

    def __init__(self, settings: Settings, report: Callable[[object, float], None]):
        # Rendered here, one unit after the other: what this process loads and warms
        # up (WeasyPrint, fonts, templates) stays for the next edit. (No time limit:
        # the person watching sees a build that takes too long, and stops it.)
        self.settings = replace(settings, jobs=1, executor="inline")
        self.report = report
        self.seen = snapshot(self.settings)
        self.version = 0

    def build(self) -> object:
        from ..pipeline import build

        started = time.perf_counter()
        result = build(self.settings)
        self.version += 1
        self.report(result, time.perf_counter() - started)
        return result

    def step(self) -> object | None:
        """Build if a file changed since the last look (once it has settled)."""
        now = snapshot(self.settings)
        if now == self.seen:
            return None
        time.sleep(SETTLE)
        self.seen = snapshot(self.settings)
        return self.build()

    def run(self, stop: threading.Event) -> None:
        self.build()
        while not stop.is_set():
            stop.wait(POLL)
            try:
                self.step()
            except ImprintError as error:  # (another build holds dist/, say): told, and watched on
                print(f"error: {error}", flush=True)
            except Exception as error:  # a fault in one build must not end the watch
                print(f"internal error: {type(error).__name__}: {error}", flush=True)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """dist/ as a static host serves it, with a script in each page that reloads
    it after a build, and /__imprint__/preview/<file.pdf> to watch a PDF.

    Only requests addressed to this server by its loopback name are answered: a
    web page the editor visits could otherwise point a name of its own at
    127.0.0.1 (DNS rebinding) and read the drafts with the browser's help."""

    watcher: Watcher

    def log_message(self, format: str, *args) -> None:  # quiet: the builds are what matter
        pass

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        port = self.server.server_address[1]
        host = (self.headers.get("Host") or "").strip().lower()
        names = (HOST, "localhost")
        if host not in [f"{name}:{port}" for name in names] + (list(names) if port == 80 else []):  # (80: unsaid)
            self._refuse(f"this preview server answers only http://{HOST}:{port}/ and http://localhost:{port}/\n")
            return False
        return True

    def _refuse(self, message: str) -> None:
        data = message.encode()
        self.close_connection = True
        self.send_response(403)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == RELOAD_PATH:
            return self._send(json.dumps({"version": self.watcher.version}).encode(), "application/json")
        if self.path.startswith(PREVIEW_PATH):
            return self._send(_preview_page(self.path[len(PREVIEW_PATH):]).encode(), "text/html; charset=utf-8")
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            page = path.read_bytes().replace(b"</body>", _reload_script().encode() + b"</body>")
            return self._send(page, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, data: bytes, media_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


def _preview_page(requested: str) -> str:
    """A page showing the file of dist/ at `requested` (the rest of the request's
    path, as sent) in a frame. The path is decoded, encoded again as a path on
    this server (no query, no other host: a leading '//' or '\\' would name
    one) and escaped for HTML, so nothing the address holds becomes markup."""
    name = unquote(requested.split("?", 1)[0].split("#", 1)[0]).lstrip("/\\")
    target = html.escape("/" + quote(name, safe="/"), quote=True)
    shown = html.escape(name, quote=True)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{shown}</title></head>"
            f"<body style='margin:0'><iframe src='{target}' style='border:0;width:100vw;height:100vh'"
            f" title='{shown}'></iframe>{_reload_script()}</body></html>")


def _reload_script() -> str:
    return ("<script>(function(){var v=null;setInterval(function(){fetch('" + RELOAD_PATH + "')"
            ".then(function(r){return r.json()}).then(function(d){if(v!==null&&d.version!==v)"
            "location.reload();v=d.version}).catch(function(){})},700)})()</script>")


def start_server(watcher: Watcher, port: int) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve dist/ on 127.0.0.1 (in a thread) while the watcher builds; the server
    and its address. Requests must name it as 127.0.0.1:PORT or localhost:PORT."""
    handler = partial(type("Handler", (_Handler,), {"watcher": watcher}), directory=str(watcher.settings.dist_dir))
    server = http.server.ThreadingHTTPServer((HOST, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{HOST}:{server.server_address[1]}/"
