"""Accessibility: the chapter stage's rules as golden files (tests/golden/accessibility/<case>/
{in.md, out.html}; PRESSROOM_REGEN=1 rewrites them), the metadata and its conformance claim, the
package language, legible code colours, the tagged PDF (and its pdf/ua-1 variant), and the page
list: each page break marker in the EPUB sits where the PDF page with that printed folio starts."""
from __future__ import annotations

import dataclasses

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.config import AccessibilityOptions, BookConfig
from pipeline import colour
from pipeline.emit import accessibility as a11y
from pipeline.load import load_chapter
from pipeline.model import Book
from pipeline.stages import StageContext
from pipeline.stages import accessibility as stage
from goldens import assert_golden

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "accessibility"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "in.md").exists())


def context(lang: str) -> StageContext:
    return StageContext(BookConfig(title="t", language=lang), Path("."), Path("/nonexistent-cache"), offline=True)


def run_case(case: str):
    lang = "en" if case.startswith("en-") else "zh-CN"
    ch = load_chapter(GOLDEN / case / "in.md", f"golden/{case}/in.md", 1)
    stage.run(ch, context(lang))
    return ch, lang


def render(ch) -> str:
    body = BeautifulSoup(ch.body.decode_contents(), "lxml")
    for tag in body.find_all(attrs={"data-src-line": True}):
        del tag["data-src-line"]
    return (body.body.decode_contents() if body.body else "").strip() + "\n"


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    ch, _ = run_case(case)
    out = GOLDEN / case / "out.html"
    got = render(ch)
    assert_golden(got, out)


@pytest.mark.parametrize("case", CASES)
def test_stage_is_idempotent_and_passes_the_audit(case):
    ch, lang = run_case(case)
    before = ch.body.decode_contents()
    stage.run(ch, context(lang))
    assert ch.body.decode_contents() == before
    book = Book(config=BookConfig(title="t", language=lang), source_dir=Path("."), chapters=[ch])
    # a figure with no caption, no credit and a file name for alt: nothing to describe it with, so
    # the image is left decorative and the book makes no conformance claim; nor with a missing
    # image's frame (figure 1.4): the image is not in the book
    expected = ["figure image without alt text", "an image is missing (a frame in its place)"] \
        if case == "zh-images-alt-and-decorative" else []
    assert [p.split(": ", 1)[1] for p in a11y.audit(book)] == expected


def test_what_the_goldens_show():
    ch, _ = run_case("zh-heading-levels")
    assert [h.name for h in ch.body.find_all(re.compile(r"^h\d$"))] == ["h2", "h2", "h3", "h3", "h2"]
    ch, _ = run_case("zh-images-alt-and-decorative")
    imgs = {img["src"]: img for img in ch.body.find_all("img")}
    assert imgs["img/a.png"]["alt"] == "训练集与测试集的划分"  # a generic alt gives way to the caption
    assert imgs["img/b.png"]["alt"] == "照片：张三 / Unsplash"  # else the credit
    assert imgs["img/star.png"]["alt"] == "" and imgs["img/star.png"]["role"] == "presentation"
    assert imgs["img/logo.png"]["alt"] == "Pressroom 标志" and not imgs["img/logo.png"].get("role")
    assert ch.body.find(attrs={"role": "img"})["aria-label"]
    ch, _ = run_case("zh-ambiguous-and-empty-links")
    here = ch.body.find("a", href="https://www.kaggle.com/datasets/example")
    assert "这里" in here["aria-label"] and "Kaggle" in here["aria-label"]  # label in name, with context
    assert ch.body.find("a", href="https://example.com/empty")["aria-label"]
    assert not ch.body.find("a", href="https://pandas.pydata.org/").get("aria-label")
    ch, _ = run_case("en-table-header-and-caption")
    first = ch.body.find("table")
    assert first.caption.get_text().startswith("Table 1")
    assert [th["scope"] for th in first.find_all("th")] == ["col", "col"]
    assert ch.body.find_all("table")[2].find("th") is None  # numbers are not a header
    assert ch.body.find_all("table")[3].find_all("th")[2]["scope"] == "row"
    ch, _ = run_case("zh-code-blocks-labelled")
    assert [p["aria-label"] for p in ch.body.find_all("pre")] == ["代码（Python）", "代码", "代码（SQL）"]
    ch, _ = run_case("zh-english-passages")
    marked = [t.get_text(" ", strip=True)[:20] for t in ch.body.find_all(attrs={"lang": "en"})]
    assert len(marked) == 3 and all(t.get("xml:lang") == "en" for t in ch.body.find_all(attrs={"lang": "en"}))
    assert not any("Nanodegree" in m for m in marked)  # a title-like line is too short to tell
    ch, _ = run_case("en-chinese-passage-and-short-phrases")
    assert [t["lang"] for t in ch.body.find_all(attrs={"lang": True})] == ["zh", "ja"]


@pytest.mark.parametrize("text,lang,expected", [
    ("The best way to predict the future is to invent it, and that is what we do.", "zh-CN", "en"),
    ("Python TensorFlow PyTorch Keras Scikit-learn Pandas NumPy Matplotlib", "zh-CN", ""),
    ("这一段是中文，但提到了 the quick brown fox jumps over the lazy dog", "zh-CN", ""),
    ("机器学习是人工智能的一个分支，研究计算机怎样学习。", "en", "zh"),
    ("机器学习 is a term", "en", ""),
    (r"= \frac{b^a}{\Gamma(a)} \int_0^\infty (1 – e^{-\lambda x}) \lambda^{a – 2} e^{-b x} dx is a", "zh-CN", ""),
    ("x = a if b else c for i in range(n) and so on to the end", "zh-CN", ""),
    ("[1] A. Pesah, A. Wehenkel and G. Louppe, Recurrent Machines for Likelihood-Free Inference (2018), "
     "in the proceedings of the workshop on meta-learning", "zh-CN", "en"),
    ("한국어 문장입니다 기계 학습에 대한 설명", "en", "ko"),
])
def test_detect_passage(text, lang, expected):
    assert stage.detect_passage(text, lang) == expected


# ------------------------------------------------------------------ metadata
def _book(lang="zh-CN", body="<p>正文</p>", **options) -> Book:
    from pipeline.model import Chapter

    chapter = Chapter(Path("x.md"), "x.md", 1, BeautifulSoup(f"<html><body>{body}</body></html>", "lxml"))
    cfg = BookConfig(title="书", language=lang, accessibility=AccessibilityOptions(**options))
    return Book(config=cfg, source_dir=Path("."), chapters=[chapter])


def test_metadata_declares_the_claim_only_when_the_audit_passes():
    meta = dict(a11y.metadata(_book(), has_images=True, page_list=True))
    props = [p for p, _ in a11y.metadata(_book(), has_images=True, page_list=True)]
    assert meta["dcterms:conformsTo"] == "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
    assert meta["a11y:certifiedBy"] == "Pressroom"
    assert meta["pageBreakSource"]
    for feature in ("alternativeText", "pageNavigation", "pageBreakMarkers", "tableOfContents"):
        assert ("schema:accessibilityFeature", feature) in a11y.metadata(_book(), True, True)
    assert props.count("schema:accessMode") == 2 and "schema:accessibilitySummary" in props
    bad = _book(body='<p><img src="a.png"/></p>')
    assert a11y.audit(bad) and "dcterms:conformsTo" not in dict(a11y.metadata(bad, True, False))
    assert "dcterms:conformsTo" not in dict(a11y.metadata(_book(conforms_to=""), True, False))
    custom = dict(a11y.metadata(_book(certified_by="Example Press", summary="S", hazards=["noFlashingHazard"]),
                                False, False))
    assert custom["a11y:certifiedBy"] == "Example Press" and custom["schema:accessibilitySummary"] == "S"
    assert custom["schema:accessibilityHazard"] == "noFlashingHazard"
    assert "pageBreakSource" not in custom


def _missing_book(count=2, mode="frame", has_frames=True, lang="zh-CN"):
    from pipeline.config import ImagesOptions
    from pipeline.model import Diagnostic

    frame = '<figure class="figure missing"><div class="image-missing"><span>图片暂缺</span></div></figure>'
    book = _book(lang=lang, body="<p>正文</p>" + (frame * count if has_frames else ""))
    book.config = dataclasses.replace(book.config, images=ImagesOptions(missing_images=mode))
    book.chapters[0].diagnostics = [Diagnostic("warning", "images.missing", f"image not found: img/{i}.png", "x.md", i)
                                    for i in range(count)]
    return book


def test_metadata_with_missing_images_says_only_what_is_true():
    meta = a11y.metadata(_missing_book(), has_images=False, page_list=False)
    props = dict(meta)
    assert "dcterms:conformsTo" not in props and "a11y:certifiedBy" not in props  # frames: no WCAG claim
    assert ("schema:accessibilityFeature", "alternativeText") not in meta
    assert [v for p, v in meta if p == "schema:accessMode"] == ["textual"]
    summary = props["schema:accessibilitySummary"]
    assert "每幅信息性图片都有替代文本" not in summary and "原文中有 2 幅图片未能收录，其位置以图框标出" in summary
    # some images there, some missing: alt text is declared for those it has, and the rest are named
    mixed = a11y.metadata(_missing_book(count=1, lang="en"), has_images=True, page_list=False)
    summary = dict(mixed)["schema:accessibilitySummary"]
    assert ("schema:accessibilityFeature", "alternativeText") in mixed and "dcterms:conformsTo" not in dict(mixed)
    assert "Every informative image has alternative text." in summary and "1 of the original images could not" in summary
    # left out ("omit"): no frame in the book, the claim stands, and the summary says they were left out
    omitted = dict(a11y.metadata(_missing_book(mode="omit", has_frames=False), has_images=False, page_list=True))
    assert omitted["dcterms:conformsTo"] and "已连同其图注与来源略去" in omitted["schema:accessibilitySummary"]
    # a book with every image there: the claim and the alt text sentence, as before
    whole = dict(a11y.metadata(_book(), has_images=True, page_list=False))
    assert whole["dcterms:conformsTo"] and "每幅信息性图片都有替代文本" in whole["schema:accessibilitySummary"]
    assert "未能收录" not in whole["schema:accessibilitySummary"]


def test_package_language():
    opf = b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/></package>'
    assert b'xml:lang="zh-CN"' in a11y.finish_package(opf, _book())


def test_code_colours_reach_wcag_aa():
    style = colour.legible_style("friendly")
    for token, definition in style.styles.items():
        for part in (definition or "").split():
            if part.startswith("#"):
                assert colour.contrast(part, style.background_color) >= 4.5, (token, part)


# ------------------------------------------------------------------ the built book: PDF and page list
def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", "-layout", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    return text.split("\f")


def _squeeze(s: str) -> str:
    return re.sub(r"\s", "", s)


def _words(s: str) -> str:
    return re.sub(r"\W", "", s)


def _printed_folio(page_text: str) -> str:
    lines = [line.strip() for line in page_text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1].split()
    return last[-1] if last and re.fullmatch(r"\d+|[ivxlc]+", last[-1]) else ""


def markers_and_following_text(epub: Path) -> list[tuple[str, str]]:
    """(label, the first characters after the marker) for each page break marker, in spine order."""
    out = []
    with zipfile.ZipFile(epub) as z:
        names = sorted(n for n in z.namelist() if re.search(r"EPUB/(ch\d+|credits)\.xhtml$", n))
        for name in names:
            soup = BeautifulSoup(z.read(name), "lxml-xml")
            for span in soup.find_all("span", attrs={"epub:type": "pagebreak"}):
                # the first words after the marker, within one text node (list bullets and
                # numbers are in the PDF's text but not in the EPUB's)
                following = next((_words(str(n)) for n in span.next_elements
                                  if isinstance(n, str) and _words(str(n))), "")
                out.append((span["aria-label"], following[:6]))
    return out


def check_page_list(epub: Path, pdf: Path) -> int:
    """Every marker's label is a PDF page's printed folio, and the text after it is on that page."""
    pages = _pdf_pages(pdf)
    printed = [_printed_folio(p) for p in pages]
    # pages that print no folio (openers) count back from the next page that prints one
    by_folio, following_number = {}, None
    for i in range(len(pages) - 1, -1, -1):
        if printed[i].isdigit():
            following_number = int(printed[i])
        elif printed[i] or following_number is None or following_number <= 1:
            following_number = None
            continue
        else:
            following_number -= 1
        by_folio.setdefault(str(following_number), i)
    # … and pages after the last printed folio (the credits' opener) count on from it
    last = max((i for i, f in enumerate(printed) if f.isdigit()), default=None)
    if last is not None:
        for i in range(last + 1, len(pages)):
            if not printed[i]:
                by_folio.setdefault(str(int(printed[last]) + i - last), i)
    markers = markers_and_following_text(epub)
    assert markers, "no page break markers"
    with zipfile.ZipFile(epub) as z:
        nav = z.read("EPUB/nav.xhtml").decode()
    listed = re.findall(r'<nav[^>]*epub:type="page-list".*?</nav>', nav, re.S)[0]
    labels = re.findall(r">(\d+)</a>", listed)
    assert labels == sorted(labels, key=int) and set(m for m, _ in markers) <= set(labels)
    for label, following in markers:
        assert label in by_folio, f"page {label} has no page with that folio in the PDF"
        page = _words(pages[by_folio[label]])
        assert following in page, f"text after marker {label} ({following!r}) is not on PDF page {label}"
    return len(markers)


def test_page_list_matches_the_pdf_folios(default_book):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out, result = default_book
    epub = next(p for p in result.outputs if p.suffix == ".epub")
    pdf = next(p for p in result.outputs if p.suffix == ".pdf")
    assert check_page_list(epub, pdf) >= 4


def test_pdf_is_tagged(default_book):
    import pikepdf

    out, result = default_book
    pdf = next(p for p in result.outputs if p.suffix == ".pdf")
    with pikepdf.open(pdf) as doc:
        assert "/StructTreeRoot" in doc.Root and doc.Root.MarkInfo.Marked
        assert str(doc.Root.Lang) == "zh-CN"
        assert doc.Root.ViewerPreferences.DisplayDocTitle
        assert len(list(doc.open_outline().root)) >= 2


def test_pdf_ua_variant(tmp_path):
    import pikepdf

    from pipeline.build import build

    book = tmp_path / "book"
    shutil.copytree(ROOT / "source", book)
    toml = (book / "book.toml").read_text(encoding="utf-8")
    (book / "book.toml").write_text(toml.replace("[pdf]\n", '[pdf]\npdf_variant = "pdf/ua-1"\n'), encoding="utf-8")
    result = build(book, tmp_path / "out", ("pdf",), jobs=1)
    with pikepdf.open(result.outputs[0]) as doc:
        assert "/StructTreeRoot" in doc.Root and str(doc.Root.Lang) == "zh-CN"
        assert doc.Root.ViewerPreferences.DisplayDocTitle
        assert 'pdfuaid:part="1"' in str(doc.open_metadata())


def test_epub_only_build_takes_the_page_list_from_an_earlier_layout_of_the_same_content(tmp_path):
    from pipeline.build import build

    def nav_and_opf(out):
        with zipfile.ZipFile(out) as z:
            return z.read("EPUB/nav.xhtml").decode(), z.read("EPUB/content.opf").decode()

    book = tmp_path / "book"
    shutil.copytree(ROOT / "source", book, ignore=shutil.ignore_patterns("build"))
    nav, opf = nav_and_opf(build(book, tmp_path / "a", ("epub",), jobs=1).outputs[0])
    assert 'epub:type="page-list"' not in nav  # nothing laid out yet: no page list, none declared
    assert "pageNavigation" not in opf
    # the default book's images are missing: frames stand in their place, so no claim, and the
    # summary says so instead of claiming alt text for every image
    assert "dcterms:conformsTo" not in opf and "alternativeText" not in opf and "6 幅图片未能收录" in opf
    full = build(book, tmp_path / "b", ("epub", "pdf"), jobs=1)
    full_nav, _ = nav_and_opf(full.outputs[0])
    epub_only = build(book, tmp_path / "b", ("epub",), jobs=1, force=True)
    nav, opf = nav_and_opf(epub_only.outputs[0])
    assert 'epub:type="page-list"' in nav and nav == full_nav and "pageNavigation" in opf
    chapter = next((book / "chapters").glob("01-*.md"))
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n新加的一段。\n", encoding="utf-8")
    nav, _ = nav_and_opf(build(book, tmp_path / "b", ("epub",), jobs=1).outputs[0])
    assert 'epub:type="page-list"' not in nav  # the content changed: the old pages no longer hold


def test_stylesheet_colours_reach_wcag_aa():
    """Whatever colours the house style or a book's own epub.css picks, the EPUB's are legible."""
    css = ".hl .k { color: #2f80c0; font-weight: bold }\np { color: #aaa }\n.ok { color: #333333 }\n"
    out = colour.legible_css(css)
    colours = re.findall(r"color: (#[0-9a-fA-F]+)", out)
    assert colour.contrast(colours[0], "#eeeeee") >= 4.5 and colour.contrast(colours[1], "#ffffff") >= 4.5
    assert colours[2] == "#333333" and "font-weight: bold" in out
    assert colour.legible_css(".ok { color: #000 }") == ".ok { color: #000 }"
