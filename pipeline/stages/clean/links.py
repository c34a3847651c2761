"""Links: tracking parameters stripped, relative Medium links made absolute, unsafe schemes and
empty links removed (their text stays)."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ...tree import decomposed, having, tags
from ._dom import has_media, host_is, log, loose_text, text

RULE = "links"
TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_hsenc",
            "_hsmi", "ref_src", "ref_url", "sk", "trk", "trkcampaign", "spm", "share_id", "mkt_tok", "_ga", "gclsrc",
            "oly_enc_id", "oly_anon_id", "vero_id", "wickedid", "icid", "cmpid", "hsctatracking", "__s", "rb_clickid"}
#  `ref` names a branch on code hosts; elsewhere it is a referral tag
REF_KEEP_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "githubusercontent.com")
SOCIAL = ("twitter.com", "x.com", "t.co")
MEDIUM_SOURCE = re.compile(r"^(collection_|post_page|user_profile|your_stories|friends_link|follow_|"
                           r"read_next|rss|email|list-|home|topic_page|search|top_stories|---)|-{3,}")
SAFE_SCHEMES = {"http", "https", "mailto", "ftp", "ftps", "tel", "news", "irc"}


def strip_tracking(url: str, opts=None) -> tuple[str, list[str]]:
    """The URL without tracking query keys, and the keys removed."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url, []
    if not parts.query:
        return url, []
    extra = {k.lower() for k in (getattr(opts, "tracking_params", None) or [])}
    hostname = (parts.hostname or "").lower()
    kept, dropped = [], []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        k = key.lower()
        if (k.startswith("utm_") or k in TRACKING or k in extra
                or (k == "ref" and not host_is(hostname, REF_KEEP_HOSTS))
                or (k == "source" and MEDIUM_SOURCE.search(value))
                or (k in ("s", "t") and host_is(hostname, SOCIAL))):
            dropped.append(key)
        else:
            kept.append((key, value))
    if not dropped:
        return url, []
    return urlunsplit(parts._replace(query=urlencode(kept, doseq=True))), dropped


def scheme_of(url: str) -> str:
    cleaned = re.sub(r"[\x00-\x20\u00a0" + "\u200b\ufeff" + r"]", "", url)
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return m.group(1).lower() if m else ""


def run(chapter, ctx) -> None:
    opts = ctx.config.clean
    base = (opts.medium_base or "https://medium.com").rstrip("/")
    body = chapter.body
    for a in tags(body, ("a",)):
        href = a.get("href")
        if href is None:
            continue
        new = href.strip()
        scheme = scheme_of(new)
        if scheme and scheme not in SAFE_SCHEMES:
            log(chapter, RULE, f"unsafe link ({scheme}:) removed, its text kept", a, href)
            del a["href"]
            a.unwrap()
            continue
        if new and not scheme and not new.startswith(("#", "/")):  # other.md, img/a.png: not in the book
            log(chapter, RULE, "link to a local file removed, its text kept (a book links to the web or "
                "to its own anchors)", a, href, level="warning")
            del a["href"]
            a.unwrap()
            continue
        if new.startswith("/") and not new.startswith("//"):
            new = base + new
            log(chapter, RULE, "relative Medium link made absolute", a, f"{href} -> {new}")
        new, dropped = strip_tracking(new, opts)
        if dropped:
            log(chapter, RULE, f"tracking parameters removed ({', '.join(dropped)})", a, href)
        if new != href:
            a["href"] = new
            if text(a) == href.strip():  # a bare URL shown as its own text
                a.string = new
    for img in having(body, "src", ("img",)):
        src = img["src"]
        if scheme_of(src) and scheme_of(src) not in SAFE_SCHEMES | {"data"}:
            log(chapter, RULE, f"image with an unsafe source ({scheme_of(src)}:) removed", img, src, level="warning")
            img.decompose()
            continue
        new, dropped = strip_tracking(src, opts)
        if dropped:
            img["src"] = new
            log(chapter, RULE, f"tracking parameters removed from an image ({', '.join(dropped)})", img, src)
    for a in tags(body, ("a",)):
        if decomposed(a):  # inside an empty link removed just before (a link in a link)
            continue
        if not text(a) and not has_media(a):
            if a.get("id") or a.get("name"):  # an anchor someone may link to
                continue
            log(chapter, RULE, "empty link removed", a, a.get("href", ""))
            a.decompose()
        elif a.get("href") is not None and not a["href"].strip():
            log(chapter, RULE, "link without an address unwrapped", a, loose_text(a))
            a.unwrap()


__all__ = ["strip_tracking", "scheme_of", "run"]
