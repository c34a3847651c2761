"""`pressroom serve`: the routes and their refusals (starlette's TestClient and raw ASGI requests),
the preview's helpers, the rebuild loop's keeping of the last good preview, and a real browser
(Debian's Chromium driven by playwright) that sees an edit, a broken book.toml and its fix."""
from __future__ import annotations

import asyncio
import http.client
import os
import subprocess
import time
import urllib.parse
import warnings
import zipfile
from pathlib import Path

import pytest

from pipeline.serve import preview, routes
from pipeline.serve.session import Session

SECRET = "TOP SECRET, never served"

CONTAINER = """<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"""
OPF = """<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest>
<item id="titlepage" href="titlepage.xhtml" media-type="application/xhtml+xml"/>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="ch001" href="ch001.xhtml" media-type="application/xhtml+xml"/>
<item id="ch002" href="ch002.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="titlepage"/><itemref idref="nav"/><itemref idref="ch001"/><itemref idref="ch002"/></spine></package>"""
NAV = """<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Contents</title></head><body><nav id="toc"><ol>
<li><a href="ch001.xhtml">Preface</a></li><li><a href="ch002.xhtml">1 Second chapter</a>
<ol><li><a href="ch002.xhtml#s1">A section</a></li></ol></li></ol></nav></body></html>"""


def page(title: str, text: str) -> str:
    return (f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title></head>'
            f"<body><p>{text}</p></body></html>")


def make_epub(path: Path, text: str = "Chapter text.", extra: dict | None = None) -> Path:
    files = {"mimetype": "application/epub+zip", "META-INF/container.xml": CONTAINER, "EPUB/content.opf": OPF,
             "EPUB/nav.xhtml": NAV, "EPUB/titlepage.xhtml": page("The Title Page", "Title"),
             "EPUB/ch001.xhtml": page("Preface", "Preface text."), "EPUB/ch002.xhtml": page("Second", text),
             **(extra or {})}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


# -- paths: what safe_file() lets through
@pytest.mark.parametrize("rel", ["EPUB/ch001.xhtml", "EPUB/css/epub.css"])
def test_safe_file_serves_files_inside(tmp_path, rel):
    (tmp_path / "EPUB" / "css").mkdir(parents=True)
    (tmp_path / rel).write_text("x")
    assert preview.safe_file(tmp_path, rel) == (tmp_path / rel).resolve()


@pytest.mark.parametrize("rel", ["../secret.txt", "EPUB/../../secret.txt", "/etc/passwd", "EPUB//x", "./EPUB/a",
                                 "%2e%2e/secret.txt", "..%2fsecret.txt", "%252e%252e/secret.txt",
                                 "..\\secret.txt", "EPUB\x00", "", "EPUB", "link/secret.txt"])
def test_safe_file_refuses(tmp_path, rel):
    root = tmp_path / "root"
    (root / "EPUB").mkdir(parents=True)
    (root / "EPUB" / "a").write_text("x")
    (tmp_path / "secret.txt").write_text(SECRET)
    (root / "link").symlink_to(tmp_path)  # a link out of the root
    assert preview.safe_file(root, rel) is None


# -- the routes, on a session with one unpacked build
@pytest.fixture()
def served(tmp_path):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "chapters" / "one.md").write_text("# One\n\nFirst line.\n", encoding="utf-8")
    (book / "book.toml").write_text('title = "T"\n', encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET)
    work = tmp_path / "work"
    work.mkdir()
    session = Session(book, tmp_path / "out", work, [])
    number, folder = session.generations.new("epub")
    preview.unpack_epub(make_epub(tmp_path / "b.epub"), folder)
    session.epub = number
    session.entries = preview.contents(folder)
    session.chapter_files = {"chapters/one.md": (book / "chapters" / "one.md").resolve()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note on httpx
        from starlette.testclient import TestClient

        yield session, TestClient(routes.app(session)), routes.app(session)


def asgi_get(app, raw_path: str) -> tuple[int, bytes]:
    """A GET as uvicorn hands it over: the path decoded once, the raw path as sent (no client
    between, so `../` is not resolved on the way)."""
    raw, _, query = raw_path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": urllib.parse.unquote(raw), "raw_path": raw.encode(), "query_string": query.encode(),
             "root_path": "", "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80)}
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


TRAVERSALS = [
    "/book/1/../../secret.txt", "/book/1/EPUB/../../../secret.txt", "/book/1/%2e%2e/%2e%2e/secret.txt",
    "/book/1/%2E%2E/%2E%2E/secret.txt", "/book/1/..%2f..%2fsecret.txt", "/book/1/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/book/1/%252e%252e/%252e%252e/secret.txt", "/book/1/..%252f..%252fsecret.txt", "/book/1/..%5c..%5csecret.txt",
    "/book/1/%2fetc%2fpasswd", "/book/1//etc/passwd", "/book/0/../work/epub-1/EPUB/ch001.xhtml",
    "/static/../routes.py", "/static/%2e%2e/routes.py", "/static/..%2f__init__.py",
    "/source/../secret.txt", "/source/chapters/../../secret.txt", "/source/%2e%2e/secret.txt",
    "/source/book.toml", "/source/chapters%2f..%2f..%2fsecret.txt", "/pdf/1/1.jpg", "/book/1/EPUB/ch001.xhtml%00",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_refused(served, path):
    _session, client, app = served
    status, body = asgi_get(app, path)
    assert status == 404 and SECRET.encode() not in body and b"import" not in body
    if "../" not in urllib.parse.unquote(path):  # what a client sends as it is
        response = client.get(path)
        assert response.status_code == 404 and SECRET not in response.text


def test_routes_serve_the_build(served):
    session, client, _app = served
    assert "Preface text." in client.get("/book/1/EPUB/ch001.xhtml").text
    assert client.get("/book/1/EPUB/ch001.xhtml").headers["content-type"].startswith("application/xhtml+xml")
    assert client.get("/book/2/EPUB/ch001.xhtml").status_code == 404  # no such build
    assert "contents" in client.get("/").text.lower()
    assert client.get("/static/preview.js").status_code == 200
    state = client.get("/api/state").json()
    assert [e["title"] for e in state["contents"]] == ["The Title Page", "Contents", "Preface", "1 Second chapter"]
    source = client.get("/source/chapters/one.md")
    assert source.status_code == 200 and 'id="L3"' in source.text and "First line." in source.text


def test_pdf_pages_drawn_on_request(served, tmp_path):
    import pikepdf

    session, client, _app = served
    number, folder = session.generations.new("pdf")
    folder.mkdir()
    pdf = pikepdf.new()
    for _ in range(2):
        pdf.add_blank_page(page_size=(432, 648))  # 6 x 9 in
    pdf.save(folder / "book.pdf")
    page = client.get(f"/pdf/{number}/2.jpg")
    assert page.status_code == 200 and page.headers["content-type"] == "image/jpeg"
    assert page.content[:3] == b"\xff\xd8\xff" and (folder / "page-2.jpg").is_file()
    assert client.get(f"/pdf/{number}/3.jpg").status_code == 404  # past the last page
    assert client.get(f"/pdf/{number + 1}/1.jpg").status_code == 404  # no such build
    assert not list(folder.glob("*.part*"))


def test_host_header_checked_on_localhost(served):
    session, _client, _app = served
    from starlette.testclient import TestClient

    client = TestClient(routes.app(session, hosts=["127.0.0.1", "localhost"]), base_url="http://evil.example")
    assert client.get("/api/state").status_code == 400  # a page of another site cannot read the preview


def test_unpack_refuses_entries_leaving_the_folder(tmp_path):
    epub = make_epub(tmp_path / "b.epub", extra={"../evil.txt": "x", "EPUB/../../evil2.txt": "y"})
    preview.unpack_epub(epub, tmp_path / "out" / "epub-1")
    assert not (tmp_path / "out" / "evil.txt").exists() and not (tmp_path / "evil2.txt").exists()
    assert (tmp_path / "out" / "epub-1" / "EPUB" / "ch001.xhtml").is_file()


# -- the helpers: contents, page ranges, the page of an edit
def test_contents_and_page_ranges(tmp_path):
    folder = tmp_path / "e"
    preview.unpack_epub(make_epub(tmp_path / "b.epub"), folder)
    entries = preview.contents(folder)
    preview.match_pages(entries, [("Contents", 3, 3), ("Preface", 4, 4), ("Second chapter", 5, 9)])
    assert [(e.id, e.pages) for e in entries] == [("titlepage", [1, 2]), ("nav", [3, 3]), ("ch001", [4, 4]),
                                                   ("ch002", [5, 9])]


def test_outline_ranges(tmp_path):
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(6):
        pdf.add_blank_page()
    with pdf.open_outline() as outline:
        for title, index in (("Preface", 1), ("Second chapter", 3)):
            outline.root.append(pikepdf.OutlineItem(title, index))
    pdf.save(tmp_path / "b.pdf")
    assert preview.outline_ranges(tmp_path / "b.pdf") == [("Preface", 2, 3), ("Second chapter", 4, 6)]


def test_changed_line_and_its_page():
    old = "# T\n\nFirst paragraph.\n\n第二段，原来的文字。\n"
    new = "# T\n\nFirst paragraph.\n\n第二段，改过的文字，多了一句。\n"
    assert preview.changed_line(old, new) == "第二段，改过的文字，多了一句。"
    assert preview.changed_line(old, old) == ""
    pages = ["第一页没有这句话", "First paragraph.", "上一页的结尾第二段，改过的文字，多了一句。下一段"]
    assert preview.page_of_text(pages, 10, "第二段，改过的文字，多了一句。") == 12
    assert preview.page_of_text(pages, 10, "**First** paragraph") == 11
    # a line much like every other: its own words decide (pages of "Paragraph N of the chapter, ...")
    same = [" ".join(f"Paragraph {n} of the second chapter, long enough to fill a line." for n in range(p, p + 9))
            for p in (0, 9, 18)]
    same[2] = same[2].replace("Paragraph 20 of", "Paragraph 20, edited late, of")
    assert preview.page_of_text(same, 4, "Paragraph 20, edited late, of the second chapter, long enough") == 6
    assert preview.page_of_text(same, 4, "Nothing like it") is None


# -- the rebuild loop: a failed build keeps the last good preview; the next good one clears the error
class FakeBuilder:
    def __init__(self, epub: Path, answers: list[dict]):
        self.epub, self.answers, self.asked = epub, answers, []

    async def build(self, formats, jobs=None):
        self.asked.append((formats, jobs))
        answer = self.answers.pop(0)
        if answer.get("ok"):
            answer = {"outputs": [str(self.epub)], "chapters": [], "warnings": [], "notes": [], **answer}
        return answer

    async def stop(self):
        pass


def _session(tmp_path, name: str, text: str):
    """A book folder holding one file, its preview Session (builders still to set) and an EPUB."""
    book = tmp_path / "book"
    book.mkdir()
    (book / name).write_text(text)
    return book, Session(book, tmp_path / "out", tmp_path / "work", []), make_epub(tmp_path / "b.epub")


def test_failed_build_keeps_the_last_good_preview(tmp_path):
    book, session, epub = _session(tmp_path, "book.toml", 'title = "T"\n')
    session.builders = {"epub": FakeBuilder(epub, [{"ok": True}, {"ok": False, "error": "book.toml:1: invalid TOML"},
                                                   {"ok": True}]),
                        "pdf": FakeBuilder(epub, [{"ok": False, "error": "no PDF in this test"}] * 3)}

    def kept():
        assert session.epub == 1 and session.error == "book.toml:1: invalid TOML"
        assert (tmp_path / "work" / "epub-1" / "EPUB" / "ch002.xhtml").is_file()  # still served

    seen = run_loop(session, [(None, "epub", None), (book / "book.toml", "error", kept),
                              (book / "book.toml", "epub", None)])
    assert session.errors["epub"] == "" and session.epub > 1
    assert seen.count("epub") == 2


def run_loop(session: Session, steps) -> list[str]:
    """The rebuild loop, driven in one event loop: each step saves a path (None: nothing, as at
    the start), waits for an event, then runs its check (or None)."""
    seen: list[str] = []

    async def run():
        queue: asyncio.Queue = asyncio.Queue()
        session.listeners.add(queue)
        loops = [asyncio.create_task(session.rebuild_loop()), asyncio.create_task(session.pdf_loop())]
        for saved, event, check in steps:
            if saved is not None:
                session.changed({saved})
            while True:
                name, _data = await asyncio.wait_for(queue.get(), 10)
                seen.append(name)
                if name == event and (event != "error" or session.errors["epub"]):  # the EPUB's error
                    break
            if check:
                check()
        for loop in loops:
            loop.cancel()

    asyncio.run(run())
    return seen


def test_template_edit_starts_a_fresh_builder_and_a_bad_output_does_not_stop_the_loop(tmp_path):
    book, templates = tmp_path / "book", tmp_path / "templates"
    for folder in (book, templates):
        folder.mkdir()
    (book / "book.toml").write_text('title = "T"\n')
    (templates / "page.j2").write_text("x")
    (tmp_path / "broken.epub").write_text("not a zip")
    session = Session(book, tmp_path / "out", tmp_path / "work", [templates])
    good, bad = make_epub(tmp_path / "b.epub"), {"ok": True, "outputs": [str(tmp_path / "broken.epub")]}
    stops: list[int] = []
    epub_builder = FakeBuilder(good, [{"ok": True}, {"ok": True}, bad, bad, {"ok": True}])
    epub_builder.stop = lambda: asyncio.sleep(0, stops.append(1))
    session.builders = {"epub": epub_builder, "pdf": FakeBuilder(good, [{"ok": False, "error": "no PDF"}] * 9)}

    def kept():  # the error shown, the last good preview still there
        assert "BadZipFile" in session.error and session.epub == 2
        assert (tmp_path / "work" / "epub-2" / "EPUB" / "ch001.xhtml").is_file()

    run_loop(session, [
        (None, "epub", None),
        (book / "book.toml", "epub", lambda: assert_equal(stops, [])),  # a book file: the same builder
        (templates / "page.j2", "error", kept), (book / "book.toml", "error", kept),  # twice: still kept
        (book / "book.toml", "epub", lambda: assert_equal((session.errors["epub"], session.epub > 2), ("", True))),
    ])
    assert stops == [1]  # a template (only): the builder process started again


def test_a_save_during_a_pdf_build_shows_without_waiting_for_it(tmp_path):
    book, session, epub = _session(tmp_path, "one.md", "x")
    slow_pdf = FakeBuilder(epub, [{"ok": True, "outputs": [str(tmp_path / "b.pdf")]}] * 3)
    import pikepdf

    pikepdf.new().save(tmp_path / "b.pdf")
    async def slow(formats, jobs=None):  # a PDF that takes 3 s
        await asyncio.sleep(3)
        return await FakeBuilder.build(slow_pdf, formats, jobs)

    slow_pdf.build = slow
    session.builders = {"epub": FakeBuilder(epub, [{"ok": True}] * 3), "pdf": slow_pdf}
    times: dict[str, float] = {}

    def mark(name):
        return lambda: times.setdefault(name, time.monotonic())

    seen = run_loop(session, [(None, "epub", mark("first")), (book / "one.md", "epub", mark("second")),
                              (None, "pdf", mark("pdf"))])
    # what happened, not how long it took: the save's EPUB was shown while the first PDF (which
    # sleeps 3 s) was still being built, before any PDF came
    epubs = [i for i, name in enumerate(seen) if name == "epub"]
    assert len(epubs) >= 2 and epubs[1] < seen.index("pdf"), seen
    assert times["first"] < times["second"] < times["pdf"]


def assert_equal(a, b):
    assert a == b


def test_missing_book_folder_is_one_line(tmp_path):
    from conftest import pressroom

    proc = pressroom("serve", "--source", tmp_path / "nope", "--out", tmp_path / "o", "--port", "0", timeout=60)
    assert proc.returncode == 2 and proc.stderr.strip() == f"error: source folder does not exist: {tmp_path / 'nope'}"
    assert not (tmp_path / "o").exists()


def test_editor_scratch_files_and_outputs_are_not_saves(tmp_path):
    session = Session(tmp_path, tmp_path / "out", tmp_path / "work", [])
    session.changed({tmp_path / ".one.md.swp", tmp_path / "one.md~", tmp_path / "out" / "b.epub", tmp_path / "4913"})
    assert not session.wake.is_set()
    session.changed({tmp_path / "one.md"})
    assert session.wake.is_set() and session.pending == {tmp_path / "one.md"}


# -- a real browser
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.access(p, os.X_OK)), None)
TWO = "---\ntitle: Second chapter\n---\n\n" + "".join(
    f"Paragraph {i} of the second chapter, long enough to fill a line or two of the page as a reader sees it.\n\n"
    for i in range(60))


def tiny_book(folder: Path) -> Path:
    (folder / "chapters").mkdir(parents=True)
    (folder / "book.toml").write_text('title = "A Tiny Book"\nauthors = ["Test Author"]\nlanguage = "en"\n'
                                      'chapters = ["chapters/one.md", "chapters/two.md"]\n', encoding="utf-8")
    (folder / "chapters" / "one.md").write_text("---\ntitle: First chapter\n---\n\nThe first chapter says hello.\n",
                                                encoding="utf-8")
    (folder / "chapters" / "two.md").write_text(TWO, encoding="utf-8")
    return folder


FRAME_HAS = ("t => { const d = document.querySelector('#epub').contentDocument;"
             " return !!d && !!d.documentElement && d.documentElement.textContent.includes(t); }")


# a page of a PDF newer than generation g is on screen (the server idle: no later PDF coming)
PDF_SHOWN = ("g => [...document.querySelectorAll('#pdf .pdf-page img')].some(i => i.complete && i.naturalWidth > 0"
             " && Number(i.getAttribute('src').split('/')[2]) > g)")


def pdf_generation(tab) -> int:
    """The server's newest PDF once it is idle (a build of an earlier save may still be running):
    the same PDF and no build on two looks 0.3 s apart."""
    look = "() => fetch('/api/state').then(r => r.json()).then(s => s.building ? -1 : s.pdf)"
    deadline, last = time.monotonic() + 60, None
    while time.monotonic() < deadline:
        now = tab.evaluate(look)
        if now >= 0 and now == last:
            return now
        last = now
        time.sleep(0.3)
    raise AssertionError("the preview server never went idle")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (scripts/bootstrap-chromium.sh installs it)")
def test_browser_sees_edit_error_and_fix(tmp_path):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    from bench.serve_latency import running_serve

    book = tiny_book(tmp_path / "book")
    temp = tmp_path / "tmp"
    temp.mkdir()
    with running_serve(book, tmp_path / "out", tmpdir=temp) as (proc, url), sync_playwright() as p:
        builder = _children(proc.pid)
        assert builder, "the build process runs beside the server"
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            tab = browser.new_page()
            tab.goto(url)
            tab.click("#contents a:has-text('Second chapter')", timeout=60_000)
            tab.wait_for_function(FRAME_HAS, arg="Paragraph 59 of the second", timeout=60_000)
            assert tab.inner_text("#book-title") == "A Tiny Book"
            assert tab.inner_text("#contents a.current").endswith("Second chapter")
            tab.evaluate("() => document.querySelector('#epub').contentWindow.scrollTo(0, 600)")
            time.sleep(0.3)  # the page notes the place

            two = book / "chapters" / "two.md"
            two.write_text(TWO.replace("Paragraph 3 of", "Paragraph 3, now edited, of"), encoding="utf-8")
            tab.wait_for_function(FRAME_HAS, arg="Paragraph 3, now edited, of", timeout=20_000)
            # the reader keeps their place across the reload (fails with a TimeoutError if not)
            tab.wait_for_function("() => Math.abs(document.querySelector('#epub').contentWindow.scrollY - 600) < 5",
                                  timeout=5_000)

            good = (book / "book.toml").read_text(encoding="utf-8")
            (book / "book.toml").write_text("title = \n", encoding="utf-8")
            tab.wait_for_selector("#error:not([hidden])", timeout=20_000)
            assert "book.toml:1" in tab.inner_text("#error") and "invalid TOML" in tab.inner_text("#error")
            assert tab.evaluate(FRAME_HAS, "Paragraph 3, now edited, of"), "the last good preview stays"

            (book / "book.toml").write_text(good.replace("two.md", "three.md"), encoding="utf-8")
            tab.wait_for_function("() => document.querySelector('#error').textContent.includes('three.md')",
                                  timeout=20_000)

            before = pdf_generation(tab)
            (book / "book.toml").write_text(good, encoding="utf-8")
            two.write_text(TWO.replace("Paragraph 3 of", "Paragraph 3, fixed, of"), encoding="utf-8")
            tab.wait_for_function(FRAME_HAS, arg="Paragraph 3, fixed, of", timeout=20_000)
            tab.wait_for_selector("#error", state="hidden", timeout=20_000)

            tab.click("#show-pdf")
            tab.wait_for_function(PDF_SHOWN, arg=before, timeout=60_000)

            # an edit near the chapter's end: the PDF view goes to the page that has it
            before = pdf_generation(tab)
            two.write_text(TWO.replace("Paragraph 3 of", "Paragraph 3, fixed, of")
                           .replace("Paragraph 55 of", "Paragraph 55, edited late, of"), encoding="utf-8")
            tab.wait_for_function(PDF_SHOWN.replace(".pdf-page img", ".pdf-page.edited img"), arg=before,
                                  timeout=60_000)
            shown = int(tab.get_attribute(".pdf-page.edited", "data-page"))
            first = int(tab.get_attribute(".pdf-page", "data-page"))
            pdf = next((tmp_path / "out").glob("*.pdf"))
            text = subprocess.run(["pdftotext", "-f", str(shown), "-l", str(shown), str(pdf), "-"],
                                  capture_output=True, text=True).stdout
            assert "edited late" in " ".join(text.split()) and shown > first
        finally:
            browser.close()
        for path in ("/book/1/../../../etc/passwd", "/book/1/%2e%2e/%2e%2e/etc/passwd", "/source/..%2fbook.toml",
                     "/book/1/%252e%252e/etc/passwd"):
            connection = http.client.HTTPConnection(urllib.parse.urlsplit(url).netloc, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            assert response.status == 404 and b"root:" not in response.read()
            connection.close()
        proc.send_signal(2)  # Ctrl-C
        assert proc.wait(20) == 130
    assert not [pid for pid in builder if Path(f"/proc/{pid}").exists() and _alive(pid)], "a child outlived serve"
    assert list(temp.iterdir()) == [], "no temporary file left behind"


def _children(pid: int) -> list[int]:
    done = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(x) for x in done.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
