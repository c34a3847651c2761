"""The WeasyPrint patches (pipeline/emit/pdf/weasyprint_patches/) are optional and change no book:
each fixture book is built with every patch, with none (`PRESSROOM_ENGINE_PATCHES=0`) and with
every patch but `justify`, in one session fixture per book, and the PDFs are compared: the same
page count, the same text on each page, the same outline, and the same pages as pictures at 50 dpi.

Differences allowed, named:
- `justify` is the one patch whose purpose is what the reader sees: without it Chinese is set flush
  left (print_css.page_css()), with it justified between characters. Lines break at the same
  places, so the text of each page is the same; the pictures are compared with every patch but
  `justify` against none, and with and without `justify` only pages with text may differ.
  The page rules set every paragraph of a Chinese book flush left without it, English ones too
  (they inherit the book's `lang`): the pages it changes are those with paragraphs, not only those
  with Chinese characters.
- `leaders` draws a contents line's dots as one string, which Pango places by its own advances (in
  1/1024 pt) where WeasyPrint places one box per dot: each dot lands within 0.03 pt of where it
  would be (measured with `pdftotext -bbox` on the default book), a fiftieth of a pixel at 50 dpi.
  The anti-aliasing of the dots on a contents page may differ by a few grey levels (default book:
  86 pixels, at most 39 of 255): allowed on pages with leaders, at most LEADER_GREY and LEADER_PIXELS.
- Text is compared without white space: pdftotext reads the justified lines' letter spacing as
  gaps between some characters, and WeasyPrint's one box per dot as separate words (the characters
  and their order are the same).
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from conftest import ROOT, pressroom
from pipeline import engine_versions
from pipeline.emit.pdf import weasyprint_patches

# each build sets PRESSROOM_ENGINE_PATCHES itself: these run whatever the switch of the test run
needs_patches = pytest.mark.skipif(not engine_versions.written_for("weasyprint"),
                                   reason=engine_versions.why_not("weasyprint") or "")

WAYS = {"on": "1", "off": "0",
        "no-justify": ",".join(name for name in weasyprint_patches.PATCHES if name != "justify")}
LEADER_GREY, LEADER_PIXELS = 64, 400  # what the leaders' anti-aliasing may change on a contents page


def _cjk_book(folder: Path) -> Path:
    """A small Chinese book with what each patch touches: a contents page (leaders), PNG figures
    (palette, grey, RGB and one with transparency: png_images), a figure large enough to move
    (relayout), Latin words and code in Chinese lines (justify), a table, two fonts (font_subsets),
    formulas (svg_paths: their glyphs are SVG paths)."""
    (folder / "chapters").mkdir(parents=True)
    (folder / "img").mkdir()
    rgb = Image.effect_mandelbrot((320, 200), (-2, -1.2, 1, 1.2), 60).convert("RGB")
    for name, im in {"palette.png": rgb.quantize(16), "grey.png": rgb.convert("L"), "rgb.png": rgb,
                     "alpha.png": rgb.convert("RGBA"), "tall.png": rgb.resize((320, 420))}.items():
        im.save(folder / "img" / name)
    para = ("机器学习工程师的日常工作远不止训练模型，还包括数据清洗、Pressroom 这样的工具、"
            "以及与 https://example.com/a/very/long/address 这样的链接打交道。")
    chapters = {
        "01-first.md": "# 第一章 开始\n\n" + "\n\n".join(para * (i % 3 + 1) for i in range(9))
                       + "\n\n![调色板图片](../img/palette.png)\n\n图：调色板\n\n## 表格\n\n| 名称 | 数值 |\n|---|---|\n"
                       + "".join(f"| 项目{i} | {i * 17} |\n" for i in range(8)) + "\n```python\nprint('你好')\n```\n",
        "02-second.md": "# 第二章 图片\n\n" + "\n\n".join(para * 2 for _ in range(5))
                        + "\n\n![灰度](../img/grey.png)\n\n" + "\n\n".join(para for _ in range(6))
                        + "\n\n![很高的图](../img/tall.png)\n\n" + "\n\n".join(para * 3 for _ in range(4)),
        "03-third.md": "# Chapter three, in English\n\n" + "\n\n".join(
            "Words to fill the lines of a page, with a figure or two between them. " * 8 for _ in range(5))
                       + "\n\n![RGB](../img/rgb.png)\n\n![Alpha](../img/alpha.png)\n\n## 小结\n\n" + para * 2
                       + "\n\n需求 \\( \\text{需求} = \\frac{1}{\\lambda} \\) 与\n\n\\[ \\sum_{i=1}^{n} x_i^2 \\le \\sqrt{n} \\]\n",
    }
    for name, text in chapters.items():
        (folder / "chapters" / name).write_text(text, encoding="utf-8")
    (folder / "book.toml").write_text('title = "引擎补丁"\nauthors = ["Pressroom tests"]\nlanguage = "zh-CN"\n'
                                      'chapters_glob = "chapters/*"\n\n[images]\noffline = true\n', encoding="utf-8")
    return folder


def _both_ways(source: Path, tmp: Path) -> dict[str, Path]:
    """The book's PDF built each way (the real command, the patches as a build installs them)."""
    out = {}
    for way, switch in WAYS.items():
        run = pressroom("build", "--source", source, "--out", tmp / way, "--format", "pdf", "--timings",
                        "--jobs", "2", env={"SOURCE_DATE_EPOCH": "1700000000", "PRESSROOM_ENGINE_PATCHES": switch})
        assert run.returncode == 0, run.stderr[-3000:]
        assert "engine patches: " + {"on": "all", "off": "off", "no-justify": f"{len(weasyprint_patches.PATCHES) - 1} of {len(weasyprint_patches.PATCHES)} on"}[way] in run.stdout, run.stdout
        out[way] = next((tmp / way).glob("*.pdf"))
    return out


@pytest.fixture(scope="session")
def default_book_ways(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("patches-default")
    return _both_ways(shutil.copytree(ROOT / "source", tmp / "source"), tmp)


@pytest.fixture(scope="session")
def cjk_book_ways(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("patches-cjk")
    return _both_ways(_cjk_book(tmp / "source"), tmp)


def _pages_text(pdf: Path) -> list[str]:
    count = len(pikepdf.open(pdf).pages)
    return [re.sub(r"\s+", "", subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"],
                                             capture_output=True, text=True, check=True).stdout)
            for i in range(1, count + 1)]


def _outline(pdf: Path) -> list:
    doc = pikepdf.open(pdf)
    pages = {page.objgen: i for i, page in enumerate(doc.pages)}

    def walk(items):
        out = []
        for item in items:
            dest = item.destination
            target = item.action.D if dest is None and item.action is not None else dest
            page = None
            if isinstance(target, pikepdf.Array) and len(target):
                page = pages.get(target[0].objgen)
            elif target is not None:  # a named destination
                page = str(target)
            out.append((item.title, page, walk(item.children)))
        return out

    with doc.open_outline() as outline:
        return walk(outline.root)


def _pictures(pdf: Path) -> list[Image.Image]:
    folder = pdf.parent / f"{pdf.stem}-50dpi"
    folder.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(folder / "p")], check=True)
    return [Image.open(io.BytesIO(p.read_bytes())).convert("RGB") for p in sorted(folder.glob("p-*.png"))]


def _differing(a: Path, b: Path, leaders_allowed: bool = False) -> list[int]:
    """The pages (from 0) whose pictures at 50 dpi differ in any pixel (where `leaders_allowed`, a
    page with dot leaders may differ by the leaders' anti-aliasing, see above)."""
    pa, pb = _pictures(a), _pictures(b)
    assert len(pa) == len(pb)
    text = _pages_text(a)
    out = []
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x.size != y.size:
            out.append(i)
            continue
        grey = ImageChops.difference(x, y).convert("L").histogram()
        if not any(grey[1:]):
            continue
        if leaders_allowed and "....." in text[i] and not any(grey[LEADER_GREY + 1:]) \
                and sum(grey[1:]) <= LEADER_PIXELS:
            continue
        out.append(i)
    return out


@pytest.fixture(params=["default", "cjk"])
def ways(request):
    return request.getfixturevalue(f"{request.param}_book_ways")


@needs_patches
def test_the_same_pages_and_text_with_and_without_the_patches(ways):
    on, off = _pages_text(ways["on"]), _pages_text(ways["off"])
    assert len(on) == len(off) > 3
    assert [i for i, (a, b) in enumerate(zip(on, off)) if a != b] == []
    assert _pages_text(ways["no-justify"]) == on


@needs_patches
def test_the_same_outline_with_and_without_the_patches(ways):
    outline = _outline(ways["on"])
    assert outline and _outline(ways["off"]) == outline == _outline(ways["no-justify"])


@needs_patches
def test_the_same_pictures_without_the_patches_but_justify(ways):
    """Every patch but `justify` changes no pixel of any page at 50 dpi (but the leaders' anti-aliasing)."""
    assert _differing(ways["no-justify"], ways["off"], leaders_allowed=True) == []


@needs_patches
def test_justify_changes_only_how_the_lines_are_spaced(ways):
    """`justify` (named above) sets a Chinese book's paragraphs justified: it changes some pages of
    the fixtures (Chinese books), not their text (compared above), and no page without text."""
    changed = _differing(ways["on"], ways["no-justify"])
    text = _pages_text(ways["on"])
    assert changed and all(len(text[i]) > 40 for i in changed), (changed, [text[i][:40] for i in changed])


def test_the_pinned_versions_are_the_ones_the_patches_were_written_for():
    """An upgrade of a patched package without a look at its patches fails here, not silently."""
    pins = dict(re.findall(r'"([a-z0-9_-]+)==([^"]+)"', (ROOT / "pyproject.toml").read_text()))
    for package, versions in engine_versions.SUPPORTED.items():
        assert pins.get(package) in versions, (package, pins.get(package), versions)
        assert engine_versions.installed(package) == pins[package]


def test_the_switches_turn_every_patch_off(monkeypatch):
    weasyprint_patches.install((), None)  # a build in this process (jobs=1) may have installed them
    monkeypatch.delenv(engine_versions.ENVIRONMENT, raising=False)
    assert weasyprint_patches.wanted() == weasyprint_patches.PATCHES
    assert weasyprint_patches.wanted(config_on=False) == ()
    assert "[pdf] engine_patches = false" in weasyprint_patches.summary(config_on=False)
    monkeypatch.setenv(engine_versions.ENVIRONMENT, "0")
    assert weasyprint_patches.wanted() == ()
    assert "off (PRESSROOM_ENGINE_PATCHES=0)" in weasyprint_patches.summary()
    assert set(weasyprint_patches.status().values()) == {"off: PRESSROOM_ENGINE_PATCHES=0"}
    monkeypatch.setenv(engine_versions.ENVIRONMENT, "streams,leaders")
    assert weasyprint_patches.wanted() == ("leaders", "streams")


def test_another_weasyprint_version_installs_none_of_its_patches(monkeypatch, tmp_path):
    """A WeasyPrint the patches were not written for: its patches stay off (pydyf's may stay on),
    and the build would say why."""
    monkeypatch.delenv(engine_versions.ENVIRONMENT, raising=False)
    monkeypatch.setitem(engine_versions.SUPPORTED, "weasyprint", frozenset({"71.0"}))
    assert weasyprint_patches.wanted() == ("streams", "page_references")
    assert "written for 71.0" in weasyprint_patches.summary()
    from weasyprint.layout import inline

    weasyprint_patches.install((), tmp_path)  # WeasyPrint's own code (a build here may have patched it)
    before = inline.justify_line
    assert weasyprint_patches.install(weasyprint_patches.PATCHES, tmp_path) == ["streams", "page_references"]
    assert inline.justify_line is before
    weasyprint_patches.install((), tmp_path)


def test_every_patch_is_taken_out_again(tmp_path):
    """install() of no patch puts back every function a build's install_all() replaced."""
    import pydyf
    from weasyprint import images, layout
    from weasyprint.layout import inline
    from weasyprint.pdf import fonts
    from weasyprint.text import line_break

    def engine():
        return (layout.make_margin_boxes, layout.make_all_pages, inline.handle_leader, inline.justify_line,
                inline.count_expandable_spaces, line_break.Layout.set_text, images.RasterImage,
                images.RasterImage._get_png_data, fonts.Font.clean, fonts.get_hb_object_data, pydyf.zlib,
                pydyf.PDF.__dict__["page_references"])

    weasyprint_patches.install((), tmp_path)
    plain = engine()
    assert weasyprint_patches.install(weasyprint_patches.PATCHES, tmp_path) == list(weasyprint_patches.PATCHES)
    patched = engine()
    assert all(a is not b for a, b in zip(plain, patched)), [i for i, (a, b) in enumerate(zip(plain, patched)) if a is b]
    assert weasyprint_patches.install((), tmp_path) == []
    assert all(a is b for a, b in zip(plain, engine()))


def test_the_page_box_is_read_in_one_checked_place():
    class Page:  # a WeasyPrint whose pages no longer have the box tree where Pressroom reads it
        pass

    with pytest.raises(weasyprint_patches.EngineChanged, match="_page_box"):
        weasyprint_patches.page_box(Page())
