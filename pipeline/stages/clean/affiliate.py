"""Affiliate cruft: lists of affiliate links (also when a converter collapsed them into a code
fence), banner images wrapped in affiliate links, a bare affiliate address alone in a paragraph,
and disclosures ("some of the links above are affiliate links…"). An affiliate link inside the
author's own sentence keeps its text: it is pointed at its real destination when the network
says where that is (`?u=`, `murl=`, `RD_PARM1=`…), its affiliate parameters are stripped, and
when neither is possible it is unwrapped."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from ...tree import ancestor, first, having, tags
from ._dom import blocks, host, host_is, log, loose_text, remove, text

RULE = "affiliate"
ADDRESS_BLOCKS = frozenset({"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "figcaption"})
NETWORKS = ("pxf.io", "sjv.io", "i115008.net", "linksynergy.com", "shareasale.com", "awin1.com", "amzn.to",
            "anrdoezrs.net", "jdoqocy.com", "tkqlhce.com", "dpbolvw.net", "kqzyfj.com", "avantlink.com",
            "skimresources.com", "go2cloud.org", "prf.hn", "ojrq.net", "evyy.net", "mention-me.com",
            "partnerize.com", "impactradius-go.com", "rstyle.me", "shopstyle.it", "clickbank.net", "hop.clickbank.net",
            "tradedoubler.com", "webgains.com", "zenaps.com", "gumroad.com/a")
AFF_PARAMS = {"affiliate_id", "aff", "affid", "aff_id", "affiliate", "affcode", "aff_code", "ranmid", "raneaid",
              "ransiteid", "irgwc", "clickid", "partner_id", "tracking_id", "referral", "referralcode"}
AMAZON = ("amazon.com", "amazon.co.uk", "amazon.de", "amazon.fr", "amazon.in", "amazon.ca", "amazon.co.jp",
          "amazon.cn", "amazon.es", "amazon.it", "amazon.com.au")
TARGET_KEYS = ("u", "url", "murl", "rd_parm1", "ued", "p", "urllink", "destination", "dest", "redirect")
DISCLOSURE_WORD = re.compile(r"affiliate|amazon associate|qualifying purchases|附属链接|联盟链接|推广链接|会员链接|联属链接|佣金|分成|commission|返利", re.I)
DISCLOSURE_DEED = re.compile(r"earn|receive|get (a )?(small )?(commission|fee)|at no (extra|additional) cost|"
                             r"purchase|buy|赚|获得|收到|购买|不会.{0,6}额外|免费", re.I)
MD_LINK = re.compile(r"\[([^\]]*)\]\((\S+?)\)")
LEAD_IN = re.compile(r"[:：]\s*$")


def is_affiliate(url: str) -> bool:
    if not url.startswith(("http://", "https://", "//")):
        return False
    h = host(url)
    if host_is(h, NETWORKS) or re.match(r"^imp\.[a-z0-9-]+\.[a-z]+$", h):
        return True
    keys = {k.lower() for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    return bool(keys & AFF_PARAMS) or (host_is(h, AMAZON) and "tag" in keys)


def destination(url: str) -> str | None:
    """The address behind an affiliate link: its redirect target, or itself without the tags."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if host_is(host(url), NETWORKS) or re.match(r"^imp\.", host(url)):
        for key, value in query:
            if key.lower() in TARGET_KEYS:
                v = unquote(value) if "%" in value and "://" not in value else value
                v = v.strip().removeprefix("[[").removesuffix("]]")
                if v.startswith(("http://", "https://")):
                    return v if not is_affiliate(v) else destination(v)
                if key.lower() == "urllink" and re.match(r"^[\w.-]+\.[a-z]{2,}/", v):
                    return "https://" + v
        return None
    kept = [(k, v) for k, v in query if k.lower() not in AFF_PARAMS
            and not (k.lower() == "tag" and host_is(host(url), AMAZON))]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def _link_dominated(node) -> bool:
    """Text that is mostly links: outside them at most a short tag such as "[Course]"."""
    links = having(node, "href", ("a",))
    if not links:
        return False
    outside = text(node)
    for a in links:
        outside = outside.replace(text(a), "", 1)
    return len(re.sub(r"[\s\[\]()（）,，;；|·•\-–—:：]", "", outside)) <= 16


def _affiliate_share(urls: list[str]) -> bool:
    hits = sum(1 for u in urls if is_affiliate(u))
    return hits >= 1 and hits * 2 >= len(urls)


def _lead_in(chapter, node) -> None:
    prev = node.find_previous_sibling()
    if prev is not None and prev.name == "p" and len(text(prev)) <= 80 and LEAD_IN.search(text(prev)) \
            and not prev.find("a"):
        remove(chapter, RULE, prev, "lead-in of an affiliate link list removed")


def run(chapter, ctx) -> None:
    body = chapter.body
    for lst in tags(body, ("ul", "ol")):
        if lst.parent is None:
            continue
        items = lst.find_all("li", recursive=False)
        if items and all(_link_dominated(li) for li in items) and \
                _affiliate_share([a["href"] for a in having(lst, "href", ("a",))]):
            _lead_in(chapter, lst)
            remove(chapter, RULE, lst, "affiliate link list removed")
    for pre in list(body.find_all("pre")):
        raw = pre.get_text("")
        links = MD_LINK.findall(raw)
        rest = MD_LINK.sub("", raw)
        if links and len(re.sub(r"[\s\-*\[\]()]|Course|Ebook|Book|课程|电子书", "", rest, flags=re.I)) <= 8 * len(links) \
                and _affiliate_share([u for _, u in links]):
            _lead_in(chapter, pre)
            remove(chapter, RULE, pre, "affiliate link list (collapsed into a code block) removed")
    for a in having(body, "href", ("a",)):
        if a.parent is None or not is_affiliate(a["href"]):
            continue
        holder = a.parent
        if not text(a) and first(a, ("img",)) is not None:  # a banner
            while holder.name in ("strong", "em", "b", "i", "span") and holder.parent is not None:
                holder = holder.parent
            if holder.name in ("p", "figure", "div") and not text(holder):
                remove(chapter, RULE, holder, "affiliate banner image removed", a["href"])
            else:
                remove(chapter, RULE, a, "affiliate banner image removed", a["href"])
            continue
        block = ancestor(a, ADDRESS_BLOCKS)
        if block is not None and block.name == "p" and text(block) == text(a) and text(a).startswith("http"):
            remove(chapter, RULE, block, "bare affiliate address removed", a["href"])
            continue
        old = a["href"]
        new = destination(old)
        if new:
            a["href"] = new
            if text(a) == old:
                a.string = new
            log(chapter, RULE, "affiliate link pointed at its destination", a, f"{old} -> {new}")
        else:
            log(chapter, RULE, "affiliate link unwrapped (its text stays)", a, old)
            a.unwrap()
    for block in list(blocks(body)):
        if block.name not in ("p", "blockquote") or block.parent is None:
            continue
        t = text(block)
        if len(t) <= 400 and DISCLOSURE_WORD.search(t) and DISCLOSURE_DEED.search(t) and \
                re.search(r"link|链接|連結|推荐|recommend|purchase|购买|associate", t, re.I):
            remove(chapter, RULE, block, "affiliate disclosure removed", loose_text(block))
