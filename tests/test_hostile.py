"""Hostile and broken input, fed to the real `python -m pipeline build` as a user would: each case
ends with exit code 0 (the build goes on, one warning line naming file and line) or 2 (refused, one
error line naming file and line), never a traceback or a hang, within a time bound and a memory
bound. Remote cases talk to a local server on 127.0.0.1 that records every request (so a test can
say "nothing was fetched"); nothing here sends traffic anywhere else. The EPUBs of the cases that
build are validated together, in one book, so EPUBCheck's JVM starts once.
"""
from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from conftest import ROOT

GOOD = 'title = "Hostile"\nlanguage = "en"\nauthors = ["A"]\n'
PRIVATE_OK = "\n[images]\nallow_private_hosts = true\ntimeout = 2\n"  # the limits still apply
BOUND = 60  # seconds any one build may take
MEMORY_BOUND_MB = 1200  # peak RSS of a build (its process tree); a normal small build is ~200 MB


# --- running a build -------------------------------------------------------------------------------

class Run:
    def __init__(self, rc, stdout, stderr, seconds, peak_mb):
        self.returncode, self.stdout, self.stderr, self.seconds, self.peak_mb = rc, stdout, stderr, seconds, peak_mb

    def lines(self) -> list[str]:
        """stderr's lines but its notes (an EPUB-only build notes that it has no page list)."""
        return [line for line in self.stderr.splitlines() if line.strip() and not line.startswith("note: ")]


def run_build(book: Path, out: Path, *args, timeout: float = BOUND) -> Run:
    """`python -m pipeline build`, with its wall time and peak memory (resident memory of its whole
    process tree, sampled every 50 ms)."""
    out.mkdir(parents=True, exist_ok=True)
    so, se = out.parent / f"{out.name}.stdout", out.parent / f"{out.name}.stderr"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000"}
    t0 = time.monotonic()
    with open(so, "wb") as fo, open(se, "wb") as fe:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--source", str(book), "--out", str(out),
                                 *map(str, args)], cwd=ROOT, stdout=fo, stderr=fe, env=env, start_new_session=True)
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _tree_rss_kb(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                pytest.fail(f"build of {book} took longer than {timeout} s (a hang)")
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(proc.returncode, so.read_text(errors="replace"), se.read_text(errors="replace"),
               time.monotonic() - t0, peak_kb / 1024)


def _tree_rss_kb(pid: int) -> int:
    """The resident memory of a process and its descendants, from /proc (sampled by the caller).
    (wait4's ru_maxrss is no use here: it keeps the high-water mark of the forked test process.)"""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def make_book(tmp: Path, chapters: dict[str, str | bytes], toml: str = GOOD, files: dict | None = None) -> Path:
    book = tmp / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text(toml, encoding="utf-8")
    for name, text in chapters.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        (book / "chapters" / name).write_bytes(data)
    for name, data in (files or {}).items():
        p = book / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return book


def refused(run: Run, *needles: str) -> str:
    """Exit 2 and exactly one line on stderr: `error: file[:line]: …`, no traceback."""
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 2, run.stderr
    lines = run.lines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def warned(run: Run, *needles: str) -> str:
    """Exit 0, the book written, and exactly one line on stderr besides notes: `warning: file:line: …`."""
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 0, run.stderr
    lines = run.lines()
    assert len(lines) == 1 and lines[0].startswith("warning: "), run.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def epub_text(out: Path) -> str:
    with zipfile.ZipFile(next(out.glob("*.epub"))) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                         if n.endswith((".xhtml", ".css", ".opf", ".svg", ".ncx")))


def png(w=8, h=6) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def bomb() -> bytes:
    buf = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buf, "PNG")  # 400 Mpx, about 50 KB
    return buf.getvalue()


def image_md(src: str) -> str:
    return f"# A\n\nText before.\n\n![a picture]({src})\n\nText after.\n"  # the image is on line 5


SVG_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" '
              b'height="20" onload="alert(1)"><script>alert(2)</script><rect width="40" height="20" '
              b'onclick="alert(3)" style="fill:url(http://127.0.0.1:9/x)"/><a xlink:href="javascript:alert(4)">'
              b'<text y="15">hi</text></a><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div>'
              b'</foreignObject></svg>')
SVG_XXE = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><text>&xxe;</text></svg>')
SVG_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                         for i in range(1, 10))
              + b']><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><text>&lol9;</text></svg>')


# --- the local server --------------------------------------------------------------------------------

class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802
        Recorder.hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", f"/redirect/{len(Recorder.hits)}")
            self.end_headers()
        elif self.path.startswith("/slow"):  # one byte every half second, for at most 40 s
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            for _ in range(80):
                try:
                    self.wfile.write(b"\x89")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.5)
        elif self.path.startswith("/huge"):  # 2 GiB, made as it is sent, until the client hangs up
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            if "no-length" not in self.path:
                self.send_header("Content-Length", str(2 * 1024 ** 3))
            self.end_headers()
            chunk = b"\0" * 65536
            for _ in range(2 * 1024 ** 3 // len(chunk)):
                try:
                    self.wfile.write(chunk)
                except OSError:
                    return
        elif self.path.startswith("/img.png"):
            body = png()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:  # stylesheets, fonts, backgrounds: answered, so a fetch would succeed and show
            body = b"body { color: red }" if self.path.endswith(".css") else png()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    Recorder.hits = []
    yield f"http://127.0.0.1:{srv.server_address[1]}", Recorder.hits
    srv.shutdown()
    srv.server_close()


# --- cases that need no server: (chapters, files, toml, exit code, needles of the one stderr line) ------

BUILDS = "builds"  # exit 0 and nothing on stderr: the input was made safe without a loss worth a warning

CASES = {
    "image-path-leaves-book": ({"a.md": image_md("../../outside.png")}, {"../outside.png": png()}, GOOD, 0,
                               ["chapters/a.md:5", "path leaves the book folder"]),
    "image-absolute-path": ({"a.md": image_md("/etc/passwd")}, {}, GOOD, 0, ["chapters/a.md:5", "image not found"]),
    "image-symlink-out": ({"a.md": image_md("link.png")}, {"../outside.png": png(), "chapters/link.png": "->../../outside.png"},
                          GOOD, 0, ["chapters/a.md:5", "through a symbolic link"]),
    "image-file-url-markdown": ({"a.md": image_md("file:///etc/passwd")}, {}, GOOD, 0,
                                ["chapters/a.md:5", "unsafe source (file:)"]),
    "image-file-url-html": ({"a.md": '# A\n\nText.\n\n<p><img src="file:///etc/passwd" alt="x"></p>\n'}, {}, GOOD, 0,
                            ["chapters/a.md:5", "unsafe source (file:)"]),
    "chapter-symlink-out": ({"a.md": "# A\n\nText.\n"}, {"../outside.md": "# Secret\n\nsecret\n",
                                                         "chapters/b.md": "->../../outside.md"}, GOOD, 2,
                            ["b.md", "outside the book's folder"]),
    "chapter-listed-outside": ({"a.md": "# A\n\nText.\n"}, {"../outside.md": "# Secret\n\nsecret\n"},
                               GOOD + 'chapters = ["chapters/a.md", "../outside.md"]\n', 2,
                               ["outside.md", "outside the book's folder"]),
    "decompression-bomb": ({"a.md": image_md("bomb.png")}, {"chapters/bomb.png": bomb()}, GOOD, 0,
                           ["chapters/a.md:5", "decompression bomb refused", "20000×20000"]),
    "svg-external-entity": ({"a.md": image_md("x.svg")}, {"chapters/x.svg": SVG_XXE}, GOOD, 0,
                            ["chapters/a.md:5", "SVG refused"]),
    "svg-billion-laughs": ({"a.md": image_md("x.svg")}, {"chapters/x.svg": SVG_LAUGHS}, GOOD, 0,
                           ["chapters/a.md:5", "SVG refused"]),
    "svg-billion-laughs-inline-html": (
        {"a.html": "<html><body><h1>A</h1><p>Text.</p>\n" + SVG_LAUGHS.decode().split("?>", 1)[1] + "\n</body></html>"},
        {}, GOOD, 0, [BUILDS]),
    "svg-scripts": ({"a.md": image_md("x.svg")}, {"chapters/x.svg": SVG_SCRIPT}, GOOD, 0, [BUILDS]),
    "nested-10000-divs-html": ({"a.html": "<html><body><h1>A</h1>\n<p>Text.</p>\n" + "<div>" * 10000 + "deep"
                                + "</div>" * 10000 + "</body></html>"}, {}, GOOD, 2,
                               ["chapters/a.html:3", "nested more than 100 levels"]),
    "nested-10000-spans-markdown": ({"a.md": "# A\n\nText.\n\n" + "<span>" * 10000 + "deep" + "</span>" * 10000 + "\n"},
                                    {}, GOOD, 2, ["chapters/a.md:5", "nested more than 100 levels"]),
    "nested-10000-quotes-markdown": ({"a.md": "# A\n\nText.\n\n" + "> " * 10000 + "deep\n\nafter\n"}, {}, GOOD, 2,
                                     ["chapters/a.md:5", "nested more than", "the rest of the file would be lost"]),
    "nested-300-lists-markdown": ({"a.md": "# A\n\n" + "".join("  " * i + "- x\n" for i in range(300)) + "\nafter\n"},
                                   {}, GOOD, 2, ["chapters/a.md", "nested more than"]),
    "nested-100-divs-is-fine": ({"a.html": "<html><body><h1>A</h1><p>Text.</p>" + "<div>" * 99 + "deep"
                                 + "</div>" * 99 + "</body></html>"}, {}, GOOD, 0, [BUILDS]),
    "invalid-utf8": ({"a.md": "# 标题\n\n中文内容，正常的一段。\n\n".encode() + b"broken \xff\xfe here\n"}, {}, GOOD, 2,
                     ["chapters/a.md:5", "invalid UTF-8 (byte 0xff)"]),
    "unpaired-surrogate-bytes": ({"a.md": "# A\n\nText.\n\nlone \ud800 half\n".encode("utf-8", "surrogatepass")}, {},
                                 GOOD, 2, ["chapters/a.md:5", "unpaired surrogate (U+D800)"]),
    "unpaired-surrogate-references": ({"a.md": "# A\n\nText &#xD800; and &#xDFFF; and &#0;.\n\n<p title=\"&#xD800;\">x</p>\n"},
                                      {}, GOOD, 0, [BUILDS]),
    "surrogate-in-front-matter": ({"a.md": '---\ntitle: "X\\ud800Y\\x01"\n---\n\nText.\n'}, {}, GOOD, 0, [BUILDS]),
    "control-characters": ({"a.md": "# A\n\nText.\n\nbell\x07 escape\x1b[31m form\x0c feed <span title=\"a\x01b\">x</span>\n"},
                           {}, GOOD, 0, ["chapters/a.md:5", "control or invalid character(s) removed", "U+0007"]),
    "control-character-references": ({"a.md": "# A\n\nText.\n\n<p title=\"a&#1;b\" class=\"&#x1b;\">x &#x7; y</p>\n"},
                                     {}, GOOD, 0, ["chapters/a.md:5", "control or invalid characters removed"]),
    "link-to-a-local-file": ({"a.md": "# A\n\nText.\n\nSee [the other article](other.md#part) for more.\n"}, {}, GOOD, 0,
                             ["chapters/a.md:5", "link to a local file removed"]),
    "link-to-a-missing-anchor": ({"a.md": "# A\n\nText.\n\nBack to [the top](#top).\n"}, {}, GOOD, 0,
                                 ["chapters/a.md:5", "link to a missing anchor #top removed"]),
    "markdown-that-is-binary": ({"a.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300)}, {}, GOOD, 2,
                                ["chapters/a.md", "binary file"]),
    "markdown-that-is-a-jpeg": ({"a.md": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 8}, {}, GOOD, 2,
                                ["chapters/a.md", "binary file"]),
}


def _materialize(tmp: Path, chapters, files, toml) -> Path:
    links = {k: v for k, v in files.items() if isinstance(v, str) and v.startswith("->")}
    book = make_book(tmp, chapters, toml, {k: v for k, v in files.items() if k not in links})
    for name, target in links.items():
        (book / name).symlink_to(target[2:])
    return book


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_case(case, tmp_path):
    chapters, files, toml, code, needles = CASES[case]
    book = _materialize(tmp_path, chapters, files, toml)
    run = run_build(book, tmp_path / "out")
    if code == 2:
        refused(run, *needles)
        assert not list((tmp_path / "out").glob("*.epub")) and not list((tmp_path / "out").glob("*.pdf"))
    elif needles == [BUILDS]:
        assert "Traceback" not in run.stderr and run.returncode == 0, run.stderr
        assert not run.lines(), run.stderr
    else:
        warned(run, *needles)
    if code == 0:
        text = epub_text(tmp_path / "out")
        assert "root:x:0" not in text and "secret" not in text
        assert (tmp_path / "out" / "book.pdf").stat().st_size > 1000
    assert run.peak_mb < MEMORY_BOUND_MB, f"{run.peak_mb:.0f} MB"


def test_svg_scripts_are_taken_out(tmp_path):
    book = _materialize(tmp_path, *CASES["svg-scripts"][:3])
    run = run_build(book, tmp_path / "out", "--format", "epub")
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(tmp_path / "out" / "book.epub") as z:
        svg = next(z.read(n) for n in z.namelist() if n.endswith(".svg")).decode()
    assert "<rect" in svg and "hi" in svg
    for bad in ("script", "onload", "onclick", "javascript:", "foreignObject", "127.0.0.1"):
        assert bad not in svg, svg


HTML_ATTACKS = """# A

<script>alert(1)</script>

<p onclick="steal()" onmouseover="x()">Click <a href="javascript:alert(1)">me</a> or
<a href=" jav&#x09;ascript:alert(2)">me</a>, see <a href="data:text/html,<script>alert(3)</script>">this</a>.</p>

<iframe src="http://127.0.0.1:9/frame"></iframe>

[markdown link](javascript:alert(4))

<form action="http://127.0.0.1:9/"><input name="x"><button>go</button></form>
"""


def pdf_html(out: Path) -> str:
    """The HTML WeasyPrint laid out: the front matter and each part (build/.cache/pdf/*/)."""
    return "".join(p.read_text(encoding="utf-8") for p in sorted((out / ".cache" / "pdf").glob("*/*.html")))


def test_html_scripts_handlers_and_javascript_links(tmp_path):
    book = make_book(tmp_path, {"a.md": HTML_ATTACKS})
    run = run_build(book, tmp_path / "out", "--explain")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    text = epub_text(tmp_path / "out") + pdf_html(tmp_path / "out")
    for bad in ("<script", "alert(", "onclick", "onmouseover", "javascript:", "<iframe", "<form", "<input", "data:text"):
        assert bad not in text, bad
    assert "Click" in text and "markdown link" in text  # the words stay
    explain = run.stdout
    for needle in ("chapters/a.md:3  clean.embeds", "chapters/a.md:5  clean.sanitize  attributes removed from <p>",
                   "chapters/a.md:5  clean.links  unsafe link (javascript:)", "chapters/a.md:8",
                   "chapters/a.md:10  clean.links  unsafe link (javascript:)", "chapters/a.md:12"):
        assert needle in explain, explain


def test_css_that_fetches_urls_is_not_fetched(tmp_path, server):
    base, hits = server
    article = (f"# A\n\n<style>@import url({base}/style.css); body {{ background: url({base}/bg.png) }}</style>\n\n"
               f'<p style="background:url({base}/inline.png)">Inline style.</p>\n\n'
               f'<div style="background-image:url(file:///etc/passwd)">Local file.</div>\n\n'
               f'<p><span style="font-family: x; src: url({base}/font.woff)">Font.</span></p>\n')
    book = make_book(tmp_path, {"a.md": article})
    before = len(hits)
    run = run_build(book, tmp_path / "out", "--explain")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert hits[before:] == [], hits[before:]
    text = epub_text(tmp_path / "out") + pdf_html(tmp_path / "out")
    assert base not in text and "passwd" not in text
    assert "chapters/a.md:3  clean.sanitize  <style> removed" in run.stdout or "chapters/a.md:3" in run.stdout
    assert "attributes removed from <p>: style" in run.stdout


def test_template_override_css_fetches_nothing(tmp_path, server):
    """A book's own print.css may not make WeasyPrint fetch a URL or read a file outside the book."""
    base, hits = server
    before = len(hits)
    css = (f"@import url({base}/x.css);\n@import '{base}/y.css';\n"
           "body { background: url(file:///etc/passwd); }\n"
           f"h1 {{ background-image: url({base}/h1.png); }}\n"
           f"@font-face {{ font-family: Evil; src: url({base}/f.woff); }}\n"
           "p { font-family: Evil, serif; }\n")
    book = make_book(tmp_path, {"a.md": "# A\n\nText.\n"}, files={"templates/css/print.css": css})
    run = run_build(book, tmp_path / "out")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert hits[before:] == [], hits[before:]
    lines = run.lines()
    assert lines and all(line.startswith("warning: ") and "refused to fetch" in line for line in lines), run.stderr
    assert any("file:///etc/passwd" in line for line in lines)


def test_template_symlink_out_of_the_book_is_refused(tmp_path):
    (tmp_path / "secret.j2").write_text("SECRET-TEMPLATE")
    book = make_book(tmp_path, {"a.md": "# A\n\nText.\n"})
    (book / "templates").mkdir()
    (book / "templates" / "copyright.xhtml.j2").symlink_to(tmp_path / "secret.j2")
    run = run_build(book, tmp_path / "out", "--format", "epub")
    assert "SECRET-TEMPLATE" not in (epub_text(tmp_path / "out") if run.returncode == 0 else "")
    assert run.returncode == 2 and "templates/copyright.xhtml.j2" in run.stderr


def test_template_override_epub_css_remote_urls_are_dropped(tmp_path, server):
    base, _ = server
    book = make_book(tmp_path, {"a.md": "# A\n\nText.\n"},
                     files={"templates/css/epub.css": f"@import url({base}/e.css);\nbody {{ color: black }}\n"})
    run = run_build(book, tmp_path / "out", "--format", "epub")
    assert run.returncode == 0
    assert base not in epub_text(tmp_path / "out")
    assert "@import dropped" in run.stderr
    again = run_build(book, tmp_path / "out", "--format", "epub", "--force")  # the stylesheet from the cache
    assert again.returncode == 0 and "@import dropped" in again.stderr and base not in epub_text(tmp_path / "out")


def test_control_characters_in_book_toml(tmp_path):
    book = make_book(tmp_path, {"a.md": "# A\n\nText.\n"}, toml='title = "A\\u0001B"\nlanguage = "en"\n')
    run = run_build(book, tmp_path / "out", "--format", "epub")
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr
    assert run.returncode == 0 or "book.toml:1" in run.stderr


# --- remote images --------------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.1.2.3"])
def test_remote_image_at_a_loopback_address_is_refused_without_a_request(host, tmp_path, server):
    base, hits = server
    port = base.rsplit(":", 1)[1]
    before = len(hits)
    book = make_book(tmp_path, {"a.md": image_md(f"http://{host}:{port}/img.png?case={host}")})
    run = run_build(book, tmp_path / "out", "--format", "epub")
    warned(run, "chapters/a.md:5", "private or loopback address")
    assert hits[before:] == []


def test_endless_redirect(tmp_path, server):
    base, hits = server
    before = len(hits)
    book = make_book(tmp_path, {"a.md": image_md(f"{base}/redirect")}, toml=GOOD + PRIVATE_OK)
    run = run_build(book, tmp_path / "out", "--format", "epub")
    warned(run, "chapters/a.md:5", "more than 5 redirects")
    assert len([h for h in hits[before:] if h.startswith("/redirect")]) == 6


def test_slow_server(tmp_path, server):
    """A server that drips a byte every half second: the download ends at its deadline (3 × timeout)."""
    base, _ = server
    book = make_book(tmp_path, {"a.md": image_md(f"{base}/slow")}, toml=GOOD + PRIVATE_OK)
    run = run_build(book, tmp_path / "out", "--format", "epub")
    line = warned(run, "chapters/a.md:5")
    # the deadline ended the download (without one the drip would last past run_build's hang bound)
    assert "download took longer than 6 s" in line, line


@pytest.mark.parametrize("path", ["/huge", "/huge-no-length"])
def test_two_gigabyte_response(path, tmp_path, server):
    base, _ = server
    book = make_book(tmp_path, {"a.md": image_md(base + path)}, toml=GOOD + PRIVATE_OK)
    run = run_build(book, tmp_path / "out", "--format", "epub")
    warned(run, "chapters/a.md:5", "larger than 20000000 bytes")
    assert run.peak_mb < 500, run.peak_mb  # read to its limit and dropped, not kept in memory


def test_fifty_megabyte_article(tmp_path):
    """Refused at once, by its size, without reading it into the stages: bounded time and memory."""
    book = make_book(tmp_path, {"a.md": "# A\n\nText.\n"})
    line = ("All work and no play makes a very long article. " * 20 + "\n\n").encode()
    with open(book / "chapters" / "b.md", "wb") as f:
        f.write(b"# Big\n\n")
        for _ in range(50_000_000 // len(line) + 1):
            f.write(line)
    run = run_build(book, tmp_path / "out")
    refused(run, "chapters/b.md", "article is 50.0 MB, more than the 5 MB")
    assert run.peak_mb < 600, run.peak_mb  # refused by its size, not read into memory


# --- the EPUBs of the cases that build, validated together -------------------------------------------

def test_every_case_that_builds_gives_a_valid_epub(tmp_path):
    """All the cases that build (exit 0), each in its own folder of one book, through EPUBCheck once."""
    from pipeline.check.epub import run_epubcheck

    whole = tmp_path / "all"
    whole.mkdir()
    (whole / "book.toml").write_text(GOOD + 'chapters_glob = "*/book/chapters/*"\n', encoding="utf-8")
    cases = {**{k: v for k, v in CASES.items() if v[3] == 0},
             "html-attacks": ({"a.md": HTML_ATTACKS}, {}, GOOD, 0, [])}
    for i, (name, (chapters, files, toml, _code, _needles)) in enumerate(sorted(cases.items())):
        _materialize(whole / f"{i:02d}-{name}", chapters, files, toml)
        (whole / f"{i:02d}-{name}" / "book" / "book.toml").unlink()
    run = run_build(whole, tmp_path / "out", "--format", "epub", timeout=120)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    result = run_epubcheck(tmp_path / "out" / "book.epub")
    assert result.ok, "\n".join([result.summary] + result.problems[:20])
    shutil.rmtree(whole)
