"""Images: resolving, checking by bytes, preparing, the stage's figures and placeholders, remote
fetching against a local HTTP server. Golden cases: tests/golden/images/<case>/{in.md,out.html};
the broken files are made here with Pillow (PRESSROOM_REGEN=1 rewrites the goldens)."""
from __future__ import annotations

import base64
import dataclasses
import io
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from pipeline.config import BookConfig, ImagesOptions
from pipeline.images.check import ImageRejected, check, sanitize_svg
from pipeline.images.fetch import fetch
from pipeline.images.prepare import for_epub, for_print
from pipeline.images.resolve import ImageNotFound, resolve
from pipeline.load import load_chapter
from pipeline.model import PressroomError
from pipeline.stages import StageContext, credits, images

GOLDEN = Path(__file__).parent / "golden" / "images"


def png(w=8, h=6, mode="RGB", color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (w, h), color).save(buf, "PNG")
    return buf.getvalue()


def fixtures(img: Path, root: Path) -> None:
    img.mkdir(parents=True, exist_ok=True)
    (img / "empty.png").write_bytes(b"")
    (img / "cut.png").write_bytes(png(64, 64)[:60])
    (img / "vector.png").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"><rect/></svg>')
    (img / "evil.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4" onload="x()">'
                                   b'<script>alert(1)</script><image href="http://evil.example/a.png"/></svg>')
    big = io.BytesIO()
    Image.new("1", (9000, 9000)).save(big, "PNG")  # 81 Mpx, a few KB
    (img / "bomb.png").write_bytes(big.getvalue())
    (img / "ok.png").write_bytes(png())
    outside = root.parent / "outside.png"
    outside.write_bytes(png())
    (img / "link.png").symlink_to(outside)


def make_book(tmp_path: Path, text: str, lang="zh-CN", **opts):
    book = tmp_path / "book"
    fixtures(book / "chapters" / "img", book)
    f = book / "chapters" / "x.md"
    f.write_text(text, encoding="utf-8")
    cfg = BookConfig(title="t", language=lang, source_dir=book,
                     images=dataclasses.replace(ImagesOptions(), **opts))
    return book, f, cfg


def run_stages(tmp_path, text, strict=False, **opts):
    book, f, cfg = make_book(tmp_path, text, **opts)
    ctx = StageContext(cfg, book, tmp_path / "cache", strict=strict, offline=True)
    ch = load_chapter(f, "chapters/x.md", 1)
    images.run(ch, ctx)
    credits.run(ch, ctx)
    return ch


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir()))
def test_golden(case, tmp_path):
    ch = run_stages(tmp_path, (GOLDEN / case / "in.md").read_text(encoding="utf-8"))
    html = re.sub(r' data-src-line="\d+"', "", ch.body.decode_contents().strip())
    out = GOLDEN / case / "out.html"
    if os.environ.get("PRESSROOM_REGEN") or not out.exists():
        out.write_text(html + "\n", encoding="utf-8")
    assert html == out.read_text(encoding="utf-8").strip()
    warnings = [str(d) for d in ch.diagnostics if d.level == "warning"]
    if case in ("backslash-path", "svg-script", "svg-as-png"):
        assert not warnings and len(ch.assets) == 1  # an SVG named .png is read as the SVG it is
        if case.startswith("svg"):
            assert next(iter(ch.assets.values())).media_type == "image/svg+xml"
    else:
        assert warnings and warnings[0].startswith("chapters/x.md:1: image ")
        assert ch.figures[0].missing and 'class="image-missing"' in html


def test_missing_message_and_strict(tmp_path):
    ch = run_stages(tmp_path, "# T\n\n![](img/nope.png)\n")
    d = [d for d in ch.diagnostics if d.rule == "images.missing"][0]
    assert str(d).startswith("chapters/x.md:3: image not found: img/nope.png")
    with pytest.raises(PressroomError, match="image not found: img/nope.png"):
        run_stages(tmp_path / "s", "![](img/nope.png)\n", strict=True)


def test_figure_numbering_alt_and_caption(tmp_path):
    ch = run_stages(tmp_path, "![](img/ok.png)\n\n她最常用的词\n\n![详细的说明](img/ok.png)\n\n我们接着讨论这个问题。\n")
    assert [f.label for f in ch.figures] == ["图 1.1", "图 1.2"]
    imgs = ch.body.find_all("img")
    assert imgs[0]["alt"] == "她最常用的词" and imgs[1]["alt"] == "详细的说明"
    assert imgs[0]["src"].startswith("images/") and len(ch.assets) == 1  # stored once
    assert ch.body.find_all("p")[-1].get_text() == "我们接着讨论这个问题。"


def test_resolve_rules(tmp_path):
    book, f, _ = make_book(tmp_path, "")
    assert resolve("img/ok.png", f, book).path.name == "ok.png"
    assert resolve("img\\ok.png", f, book).path.name == "ok.png"
    (book / "img").mkdir()
    (book / "img" / "top.png").write_bytes(png())
    assert resolve("top.png", f, book).path.name == "top.png"
    data = "data:image/png;base64," + base64.b64encode(png()).decode()
    assert resolve(data, f, book).data.startswith(b"\x89PNG")
    for bad in ("../../etc/passwd", "/etc/passwd", "img/link.png", "file:///etc/passwd"):
        with pytest.raises(ImageNotFound):
            resolve(bad, f, book)


def test_check_by_bytes(monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as importing WeasyPrint leaves it
    with pytest.raises(ImageRejected, match="empty"):
        check(b"")
    with pytest.raises(ImageRejected):
        check(png(64, 64)[:60])
    good = png(64, 64)
    at = good.index(b"IDAT") + 12  # a byte of the compressed pixels
    with pytest.raises(ImageRejected, match="corrupt"):  # its CRC-32 no longer matches
        check(good[:at] + bytes([good[at] ^ 0x40]) + good[at + 1:])
    for cut in range(good.index(b"IDAT"), len(good), 7):  # cut anywhere in or after the pixels
        with pytest.raises(ImageRejected):
            check(good[:cut])
    photo = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(photo, "JPEG")
    kept = check(photo.getvalue())
    assert (kept.media_type, kept.width, kept.height) == ("image/jpeg", 400, 300)
    with pytest.raises(ImageRejected, match="truncated"):  # read to the end at an eighth of its size
        check(photo.getvalue()[:-200])
    a = check(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"/>')
    assert a.media_type == "image/svg+xml" and (a.width, a.height) == (10, 5)
    with pytest.raises(ImageRejected, match="bomb"):
        check(png(300, 300), max_pixels=10_000)
    with pytest.raises(ImageRejected):
        check(b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>')
    clean = sanitize_svg(b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>1</script>'
                         b'<a href="javascript:x()"><rect style="fill:url(http://e/x)"/></a></svg>')
    assert b"script" not in clean and b"onload" not in clean and b"javascript" not in clean and b"http://e" not in clean


def test_prepare_epub_and_print(tmp_path):
    opts = ImagesOptions(max_side=100)
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    buf = io.BytesIO()
    Image.new("RGB", (400, 200), (1, 2, 3)).save(buf, "JPEG", exif=exif.tobytes())
    src = check(buf.getvalue())
    out = for_epub(src, opts)
    assert (out.width, out.height) == (100, 50) and out.media_type == "image/jpeg"
    assert "exif" not in Image.open(io.BytesIO(out.data)).info
    assert for_epub(src, opts).data == out.data  # deterministic
    assert for_epub(out, opts) is out  # already fit: unchanged
    bmp = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 0, 0)).save(bmp, "TIFF")
    conv = for_epub(check(bmp.getvalue()), opts, cache_dir=tmp_path)
    assert conv.media_type == "image/png" and Image.open(io.BytesIO(conv.data)).mode == "RGBA"
    assert for_epub(check(bmp.getvalue()), opts, cache_dir=tmp_path).data == conv.data  # from the cache
    big = check(png(3000, 1000))
    p = for_print(big, ImagesOptions(print_dpi=300), width_in=4.0)
    assert p.width == 1200 and p.key == big.key
    small = check(png(600, 200))
    assert for_print(small, ImagesOptions(print_dpi=300), width_in=4.0) is small


# --- remote images against a local server ----------------------------------------------------
class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        body = png()
        if self.path == "/ok.png":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", f"/loop{len(self.path)}")
            self.end_headers()
        elif self.path == "/redirect":
            self.send_response(301)
            self.send_header("Location", "/ok.png")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send_response(200)
            self.end_headers()
        elif self.path == "/huge":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"\0" * 10_000)
            except OSError:
                pass
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()
    th.join(timeout=5)


def test_remote(server, tmp_path):
    opts = ImagesOptions(allow_private_hosts=True, timeout=0.5, max_bytes=50_000, max_redirects=3)
    data = fetch(server + "/ok.png", opts, tmp_path)
    assert data.startswith(b"\x89PNG")
    assert fetch(server + "/ok.png", opts, tmp_path, offline=True) == data  # from the cache
    assert fetch(server + "/redirect", opts, tmp_path).startswith(b"\x89PNG")
    with pytest.raises(ImageNotFound, match="redirects"):
        fetch(server + "/loop", opts, tmp_path)
    with pytest.raises(ImageNotFound, match="timed out"):
        fetch(server + "/slow", opts, tmp_path)
    with pytest.raises(ImageNotFound, match="larger"):
        fetch(server + "/huge", opts, tmp_path)
    with pytest.raises(ImageNotFound, match="offline"):
        fetch(server + "/other.png", opts, tmp_path, offline=True)
    with pytest.raises(ImageNotFound, match="private or loopback"):
        fetch(server + "/ok.png", ImagesOptions(), tmp_path / "c2")


# ------------------------------------------------------------------ missing images: frame, omit, error
MISSING_FIGURES = ("# T\n\n![](img/nowhere.png)\n\n照片由 [Unsplash](https://unsplash.com) 上的 A 拍摄\n\n"
                   "第一段正文。\n\n![一张图表](img/gone.png)\n\n模型的准确率\n\n第二段正文。\n\n"
                   "![](img/ok.png)\n\n她最常用的词\n\n第三段正文，里面有 ![](img/tiny.png) 一个小图。\n")


def test_missing_image_is_a_quiet_frame_that_keeps_caption_and_credit(tmp_path):
    ch = run_stages(tmp_path, MISSING_FIGURES)
    frames = ch.body.select("figure.missing > div.image-missing")
    assert len(frames) == 2 and [f.label for f in ch.figures] == ["图 1.1", "图 1.2", "图 1.3"]
    assert [f.get_text() for f in frames] == ["图片暂缺", "图片暂缺一张图表"]  # the alt text when it says more
    assert "img/nowhere.png" not in ch.body.get_text() and not ch.body.select("[role=img]")
    first, second = ch.body.find_all("figure")[:2]
    assert "Unsplash" in first.figcaption.get_text() and ch.figures[0].credit is not None
    assert "模型的准确率" in second.figcaption.get_text()
    assert ch.body.select_one("p span.image-missing").get_text() == "图片暂缺"  # inline: a span in its sentence
    assert [d.rule for d in ch.diagnostics if d.level == "warning"] == ["images.missing"] * 3


def test_missing_image_note_in_english_and_from_the_books_strings(tmp_path):
    ch = run_stages(tmp_path, "![](img/nowhere.png)\n", lang="en")
    assert ch.body.select_one(".image-missing").get_text() == "Image not available"
    own = tmp_path / "own"
    book, f, cfg = make_book(own, "![](img/nowhere.png)\n", lang="en")
    (book / "templates").mkdir()
    (book / "templates" / "strings.toml").write_text('[en]\nimage_missing = "Picture to come"\n', encoding="utf-8")
    ch = load_chapter(f, "chapters/x.md", 1)
    images.run(ch, StageContext(cfg, book, own / "cache", offline=True))
    assert ch.body.select_one(".image-missing").get_text() == "Picture to come"


def test_missing_images_omit_leaves_the_figure_out_with_its_caption_and_credit(tmp_path):
    from pipeline.book.credits import collect_credits

    ch = run_stages(tmp_path, MISSING_FIGURES, missing_images="omit")
    text = ch.body.get_text()
    assert "Unsplash" not in text and "模型的准确率" not in text and "图片暂缺" not in text
    assert "第一段正文。" in text and "第二段正文。" in text and "一个小图" in text  # the author's sentences stay
    assert [f.label for f in ch.figures] == ["图 1.1"] and "她最常用的词" in ch.body.figure.get_text()
    assert collect_credits([ch]) == []  # no credit of a dropped image reaches the credits page
    omitted = [d for d in ch.diagnostics if d.rule == "images.omitted"]
    assert len(omitted) == 2 and "照片由 Unsplash 上的 A 拍摄" in omitted[0].text and "模型的准确率" in omitted[1].text


def test_missing_images_error_and_strict_refuse(tmp_path):
    with pytest.raises(PressroomError, match=r'image not found: img/nowhere.png .*missing_images = "error"'):
        run_stages(tmp_path / "e", MISSING_FIGURES, missing_images="error")
    with pytest.raises(PressroomError, match="--strict"):
        run_stages(tmp_path / "s", MISSING_FIGURES, strict=True, missing_images="omit")


def test_missing_images_setting_is_checked(tmp_path):
    from pipeline.config import load_config

    (tmp_path / "book.toml").write_text('title = "T"\n\n[images]\nmissing_images = "hide"\n', encoding="utf-8")
    with pytest.raises(PressroomError, match=r"\[images\] 'missing_images' must be one of 'frame', 'omit', 'error'") as e:
        load_config(tmp_path)
    assert e.value.line == 4


def test_one_warning_lists_every_missing_image(tmp_path):
    from pipeline.book import missing_images
    from pipeline.model import Book, Diagnostic

    ch = run_stages(tmp_path, MISSING_FIGURES)
    other = Diagnostic("warning", "credits.unattached", "credit line not attached to a figure", "chapters/y.md", 3)
    book = Book(config=BookConfig(title="t"), source_dir=tmp_path, chapters=[ch],
                diagnostics=[*ch.diagnostics, other])
    missing_images.run(book)
    warnings = [d for d in book.diagnostics if d.level == "warning"]
    assert len(warnings) == 2 and warnings[1] is other
    lines = str(warnings[0]).splitlines()
    assert lines[0].startswith("3 images missing, each drawn as a frame") and len(lines) == 4
    assert [ln.split(": image not found: ")[1].split(" ")[0] for ln in lines[1:]] == [
        "img/nowhere.png", "img/gone.png", "img/tiny.png"]
    assert lines[1].strip().startswith("chapters/x.md:3:")


def test_release_refuses_missing_images(tmp_path, monkeypatch):
    from pipeline import release
    from pipeline.build import BuildResult
    from pipeline.model import Book

    ch = run_stages(tmp_path, MISSING_FIGURES, missing_images="omit")
    book = Book(config=BookConfig(title="t"), source_dir=tmp_path, chapters=[ch])
    monkeypatch.setattr(release, "build", lambda *a, **k: BuildResult(book=book, outputs=[]))
    monkeypatch.setattr(release, "check_file", lambda p: pytest.fail("checked a book with missing images"))
    with pytest.raises(PressroomError, match="release refused: 3 images missing, the first chapters/x.md:3"):
        release.make_release(tmp_path, tmp_path / "out")


def test_one_missing_image_is_one_line(tmp_path):
    from pipeline.book import missing_images
    from pipeline.model import Book

    ch = run_stages(tmp_path, "![](img/nowhere.png)\n")
    book = Book(config=BookConfig(title="t"), source_dir=tmp_path, chapters=[ch], diagnostics=list(ch.diagnostics))
    missing_images.run(book)
    (warning,) = [str(d) for d in book.diagnostics if d.level == "warning"]
    assert "\n" not in warning and warning.startswith("chapters/x.md:1: image not found: img/nowhere.png")
    assert "drawn as a frame that keeps its caption and credit" in warning
