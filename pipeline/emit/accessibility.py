"""Accessibility metadata (schema.org, EPUB Accessibility 1.1) and the EPUB page list.

What the book declares follows from what it is: images make `visual` an access mode and alt text
a feature; a page list adds `pageNavigation`. `[accessibility]` in book.toml overrides the summary
and the hazards.
"""
from __future__ import annotations

from ..model import Book

SUMMARY = {
    "zh": "本书为可重排的 EPUB 3，含结构化导航、目录与正确的阅读顺序；每幅信息性图片都有替代文本，正文标注了语言。",
    "en": ("A reflowable EPUB 3 with structural navigation, a table of contents and a logical reading "
           "order; every informative image has alternative text and the language of the text is marked."),
}


def metadata(book: Book, has_images: bool, page_list: bool) -> list[tuple[str, str]]:
    cfg = book.config
    lang = cfg.language.split("-")[0].lower()
    out = [("schema:accessMode", "textual")]
    if has_images:
        out.append(("schema:accessMode", "visual"))
    out.append(("schema:accessModeSufficient", "textual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_images:
        features.append("alternativeText")
    if page_list:
        features.append("pageNavigation")
    out += [("schema:accessibilityFeature", f) for f in features]
    out += [("schema:accessibilityHazard", h) for h in cfg.accessibility.hazards]
    out.append(("schema:accessibilitySummary", cfg.accessibility.summary or SUMMARY.get(lang, SUMMARY["en"])))
    return out


def page_map(document) -> dict:
    """From a laid-out WeasyPrint document: where each print page starts (not yet mapped)."""
    return {}


def page_list(book: Book) -> list[dict]:
    """Print page numbers mapped into the EPUB: none until the PDF's pages are known."""
    return []
