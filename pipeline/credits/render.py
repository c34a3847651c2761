"""A credit as a short line in the book's language, for the caption and the credits page.

"图片：Gwendal Cottin / Unsplash", "Image: Gwendal Cottin / Unsplash", "截图：作者", "来源：MDPI（CC）".
"""
from __future__ import annotations

import re

from ..model import Credit
from .families import DATE as _DATE

DATE = re.compile(_DATE + r"|\b(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}?,?\s*\d{4}",
                  re.I)

LICENCE_ZH = {"public domain": "公有领域"}


def parts(credit: Credit, cjk: bool) -> tuple[str, list[tuple[str, str]], str]:
    """(prefix, [(text, url)], suffix) of the short credit line."""
    if credit.kind == "screenshot":
        prefix = "截图：" if cjk else "Screenshot: "
    elif credit.kind == "source" and not credit.creator_url and not (credit.creator and credit.platform):
        prefix = "来源：" if cjk else "Source: "
    else:
        prefix = "图片：" if cjk else "Image: "
    names: list[tuple[str, str]] = []
    author = ("作者" if cjk else "the author", "")
    if credit.kind == "author" and not credit.creator:
        names.append(author)
    elif credit.kind == "screenshot" and not credit.creator and not credit.platform:
        names.append(author)
    if credit.creator:
        names.append((credit.creator, credit.creator_url))
    if credit.platform:
        names.append((credit.platform, credit.platform_url))
    extras = []
    if credit.licence:
        extras.append(LICENCE_ZH.get(credit.licence, credit.licence) if cjk else credit.licence)
    date = DATE.search(credit.note or "") if credit.kind == "screenshot" else None
    if date:
        extras.append(re.sub(r"\s+", " ", date.group(0)))
    suffix = ""
    if extras:
        suffix = f"（{'，'.join(extras)}）" if cjk else f" ({', '.join(extras)})"
    return prefix, names, suffix


def short_text(credit: Credit, cjk: bool) -> str:
    prefix, names, suffix = parts(credit, cjk)
    return prefix + " / ".join(n for n, _ in names) + suffix


def credit_span(soup, credit: Credit, cjk: bool):
    """`<span class="credit">图片：<a href=…>A</a> / <a href=…>Unsplash</a></span>`"""
    prefix, names, suffix = parts(credit, cjk)
    span = soup.new_tag("span", attrs={"class": "credit"})
    span.append(prefix)
    for i, (name, url) in enumerate(names):
        if i:
            span.append(" / ")
        if url:
            a = soup.new_tag("a", href=url)
            a.string = name
            span.append(a)
        else:
            span.append(name)
    if suffix:
        span.append(suffix)
    return span
