"""Accessibility of the outputs: the EPUB's schema.org metadata and its EPUB Accessibility 1.1
conformance claim. (The page list is `page_list.py`; legible colours, `pipeline/colour.py`; each
chapter's audit, the stage `pipeline/stages/accessibility_audit.py`.)

What the book declares follows from what it is: images make `visual` an access mode and alt text
a feature; a page list adds `pageNavigation` and `pageBreakMarkers`. The claim
"EPUB Accessibility 1.1 - WCAG 2.2 Level AA" (with `a11y:certifiedBy`) is made only when
`audit(book)` finds nothing: it gathers each chapter's audit (run as its stages end), which
checks again, on the chapter as it will be published, what the accessibility chapter stage guarantees (alt text, link names, heading order, table headers,
language); the parts around the chapters come from templates that Ace by DAISY checks in the tests.
`[accessibility]` in book.toml overrides the summary, the hazards, the claim and the evaluator.

Missing images: a frame in an image's place (`[images] missing_images = "frame"`) is text, but the
image it stands for is not in the book, so the audit counts each frame and no conformance is
claimed; alt text is declared (`alternativeText`, `visual`, the summary's sentence) only for images
the book has, and the summary says how many it could not include. Figures left out (`"omit"`) are
not in the book: what remains may be claimed, and the summary still says they were left out.
"""
from __future__ import annotations

from lxml import etree

from ..model import Book
from ..stages.accessibility_audit import audit_chapter

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
SUMMARY = {
    "zh": "本书为可重排的 EPUB 3，含结构化导航、目录与正确的阅读顺序，正文标注了语言。",
    "en": ("A reflowable EPUB 3 with structural navigation, a table of contents and a logical reading "
           "order; the language of the text is marked."),
}
IMAGES_SUMMARY = {  # said only when the book has images
    "zh": "每幅信息性图片都有替代文本。",
    "en": "Every informative image has alternative text.",
}
MISSING_SUMMARY = {  # what is true of the images the book could not include, by [images] missing_images
    ("zh", "frame"): "原文中有 {n} 幅图片未能收录，其位置以图框标出，图注与来源保留。",
    ("zh", "omit"): "原文中有 {n} 幅图片未能收录，已连同其图注与来源略去。",
    ("en", "frame"): "{n} of the original images could not be included: a frame marks the place of each, with its caption and credit.",
    ("en", "omit"): "{n} of the original images could not be included and are left out with their captions and credits.",
}
PAGES_SUMMARY = {
    "zh": "页码列表与分页标记对应印刷版（PDF）的页码。",
    "en": "A page list and page break markers match the page numbers of the print (PDF) edition.",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# ------------------------------------------------------------------ metadata and conformance
def audit(book: Book) -> list[str]:
    """What stands between the chapters and the conformance claim; empty when nothing does."""
    problems = [] if book.config.language else ["the book has no language"]
    for ch in book.chapters:
        problems += audit_chapter(ch) if ch.problems is None or ch.dom is not None else ch.problems
    return problems


def _lang(book: Book) -> str:
    return book.config.language.split("-")[0].lower()


def metadata(book: Book, has_images: bool, page_list: bool) -> list[tuple[str, str]]:
    cfg = book.config
    a11y = cfg.accessibility
    lang = _lang(book)
    out = [("schema:accessMode", "textual")]
    if has_images:
        out.append(("schema:accessMode", "visual"))
    out.append(("schema:accessModeSufficient", "textual"))
    if has_images:
        out.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability", "ARIA"]
    if has_images:
        features.append("alternativeText")
    if page_list:
        features += ["pageNavigation", "pageBreakMarkers"]
    if any("<math" in (chapter.html or "") for chapter in book.chapters):
        features.append("MathML")  # formulas as MathML, their LaTeX in alttext (stages/math.py)
    features += [f for f in getattr(a11y, "features", []) if f not in features]
    out += [("schema:accessibilityFeature", f) for f in features]
    out += [("schema:accessibilityHazard", h) for h in a11y.hazards]
    summary = a11y.summary or _summary(book, lang, has_images, page_list)
    out.append(("schema:accessibilitySummary", summary))
    if page_list:  # where the page numbers come from: the PDF edition
        source = f"{cfg.title} (PDF, {cfg.output}.pdf)"
        out.append(("dc:source", source))
        out.append(("pageBreakSource", source))
    claim = getattr(a11y, "conforms_to", CONFORMANCE)
    if claim and not audit(book):
        out.append(("dcterms:conformsTo", claim))
        out.append(("a11y:certifiedBy", getattr(a11y, "certified_by", "") or "Pressroom"))
    return out


def missing_images(book: Book) -> int:
    """How many images the chapters could not include (each logged by the images stage)."""
    return sum(1 for ch in book.chapters if not ch.omitted for d in ch.diagnostics
               if d.level == "warning" and d.rule in ("images.missing", "images.broken"))


def _summary(book: Book, lang: str, has_images: bool, page_list: bool) -> str:
    """What the book is, said of this book: the images' alt text only when it has images, the
    images it could not include when there are any, the page list when it has one."""
    key = lang if lang == "zh" else "en"
    parts = [SUMMARY[key]]
    if has_images:
        parts.append(IMAGES_SUMMARY[key])
    missing = missing_images(book)
    if missing:
        mode = "omit" if book.config.images.missing_images == "omit" else "frame"
        parts.append(MISSING_SUMMARY[(key, mode)].format(n=missing))
    if page_list:
        parts.append(PAGES_SUMMARY[key])
    return ("" if key == "zh" else " ").join(parts)


def finish_package(opf: bytes, book: Book) -> bytes:
    """The package document's own language (`xml:lang` on `<package>`: Ace's epub-lang)."""
    root = etree.fromstring(opf, etree.XMLParser(resolve_entities=False, no_network=True))
    root.set(XML_LANG, book.config.language)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)

