"""Images: every image found, checked by its bytes, made a numbered figure or a placeholder.

For each `<img>`: resolve its source (pipeline/images/resolve.py, fetch.py), check the bytes
(check.py), prepare them for the EPUB (prepare.py), store the Asset on the chapter and point the
src at `images/<hash>.<ext>`. A block holding only images becomes `<figure id="fig-1-2"
class="figure">` with a `<figcaption>` that starts with its label (图 1.2 / Figure 1.2) and takes the
caption paragraph after it. A missing or broken image becomes a placeholder that names the file,
a warning (an error with --strict), and keeps its caption and credit.
"""
from __future__ import annotations

from pathlib import Path

from bs4 import NavigableString

from ..images.check import ImageRejected, check
from ..images.figure import caption_text, image_only, informative_alt, is_caption, next_block
from ..images.prepare import for_epub
from ..images.resolve import ImageNotFound, normalize_src, resolve
from ..model import Figure, PressroomError, source_line
from .tree import ancestor, tags

MISSING_ZH, MISSING_EN = "图片缺失：", "Image missing: "
INLINE_WRAPPERS = frozenset({"strong", "em", "b", "i", "span", "u", "mdspan"})


def run(chapter, ctx) -> None:
    body = chapter.body
    if body is None:
        return
    cjk = ctx.config.is_cjk
    loaded: dict[str, tuple] = {}
    done: set[int] = set()
    number = 0
    for img in list(body.find_all("img")):
        if img.parent is None or id(img) in done:
            continue
        figure_el, block = _figure_block(img)
        if block is None:  # an inline image (an emoji picture inside a sentence)
            _embed(chapter, ctx, img, loaded, inline=True)
            continue
        number += 1
        label = f"图 {chapter.number}.{number}" if cjk else f"Figure {chapter.number}.{number}"
        fig = _make_figure(chapter, block, figure_el, f"fig-{chapter.number}-{number}", label)
        imgs = fig.find_all("img")
        results = []
        for im in imgs:
            done.add(id(im))
            results.append(_embed(chapter, ctx, im, loaded, inline=False, label=label))
        caption = caption_text(_caption_node(fig))
        for im in fig.find_all("img"):
            if not informative_alt(im.get("alt", "")):
                im["alt"] = caption or label
        first_src, first_key = results[0] if results else ("", "")
        missing = any(not key for _src, key in results)
        if missing:
            fig["class"] = ["figure", "missing"]
        chapter.figures.append(Figure(id=fig["id"], number=number, label=label, caption=caption,
                                      src=first_src, asset_key=first_key, missing=missing))


def _figure_block(img):
    """(existing <figure> or None, the block to become the figure) or (None, None) if inline."""
    fig = ancestor(img, ("figure",))
    if fig is not None:
        return fig, fig
    block = img
    while block.parent is not None and block.parent.name in ("a", "strong", "em", "b", "i", "span", "u", "mdspan",
                                                             "picture"):
        block = block.parent
    parent = block.parent
    if parent is not None and parent.name == "p" and image_only(parent):
        return None, parent
    if parent is not None and parent.name in ("body", "section", "div", "article", "blockquote", "li", "td"):
        sibs = [s for s in parent.contents if not (isinstance(s, NavigableString) and not s.strip())]
        if parent.name in ("body", "section", "div", "article") or len(sibs) == 1:
            return None, block
    return None, None


def _make_figure(chapter, block, figure_el, fig_id, label):
    soup = chapter.dom
    if figure_el is not None:
        fig = figure_el
        caption = fig.find("figcaption")
        line = source_line(fig)
    else:
        line = block.get("data-src-line") if block.name == "p" else None
        fig = soup.new_tag("figure")
        if block.name == "p":
            for child in list(block.contents):
                fig.append(child.extract())
            block.replace_with(fig)
        else:
            block.replace_with(fig)
            fig.append(block)
        for w in tags(fig, INLINE_WRAPPERS):
            w.unwrap()
        for br in fig.find_all("br"):
            br.decompose()
        caption = None
        nxt = next_block(fig)
        alt = fig.img.get("alt", "") if fig.img else ""
        if nxt is not None and is_caption(nxt, alt):
            caption = soup.new_tag("figcaption")
            for child in list(nxt.contents):
                caption.append(child.extract())
            nxt.decompose()
            chapter.log("info", "images.caption", "paragraph after the image taken as its caption",
                        line=int(line) if line else None, text=caption.get_text(" ", strip=True))
    fig["id"] = fig_id
    fig["class"] = ["figure"]
    if line and not fig.get("data-src-line"):
        fig["data-src-line"] = str(line)
    if caption is None:
        caption = soup.new_tag("figcaption")
    caption.extract()
    fig.append(caption)
    span = soup.new_tag("span", attrs={"class": "figure-label"})
    span.string = label
    text_after = caption.get_text(strip=True)
    caption.insert(0, span)
    if text_after:
        span.insert_after(NavigableString(" "))
    return fig


def _caption_node(fig):
    cap = fig.find("figcaption")
    if cap is None:
        return None
    copy = cap.__copy__()
    for s in copy.find_all("span", class_="figure-label"):
        s.decompose()
    return copy


def _load(chapter, ctx, src: str):
    """(Asset, '') or (None, reason)."""
    opts = ctx.config.images
    try:
        source = resolve(src, chapter.source_path, Path(ctx.source_dir), opts.asset_dirs)
        if source.kind == "file":
            chapter.deps[str(source.path)] = None
            data = source.path.read_bytes()
        elif source.kind == "data":
            data = source.data
        else:
            from ..images.fetch import fetch  # http.client and ssl: imported only for a remote image

            data = fetch(source.url, opts, Path(ctx.cache_dir), offline=ctx.offline or opts.offline)
        asset = check(data, opts.max_pixels)
        return for_epub(asset, opts, cache_dir=Path(ctx.cache_dir) / "images"), ""
    except ImageNotFound as e:
        _watch_for(chapter, ctx, src)
        return None, f"image not found: {src} ({e})"
    except ImageRejected as e:
        return None, f"image not usable: {src} ({e})"
    except OSError as e:
        return None, f"image not readable: {src} ({e.strerror or e})"


def _watch_for(chapter, ctx, src: str) -> None:
    """A missing image may appear: the cache watches the folders it would be found in."""
    if src.startswith(("http://", "https://", "//")):
        if not (ctx.offline or ctx.config.images.offline):
            chapter.cacheable = False  # a later online build may fetch it (offline: the result is final)
        return
    rel = Path(src.replace("\\", "/"))
    roots = [chapter.source_path.parent, Path(ctx.source_dir) / "img"]
    roots += [Path(ctx.source_dir) / d for d in ctx.config.images.asset_dirs]
    for root in roots:
        for folder in (root, (root / rel).parent, (root / rel.name).parent):
            chapter.deps[str(folder.resolve())] = None


def _embed(chapter, ctx, img, loaded, inline: bool, label: str = ""):
    """Point the img at its prepared asset, or replace it with a placeholder. Returns (src, key)."""
    raw = img.get("src", "") or img.get("data-src", "")
    src = normalize_src(raw)
    short = src if not src.startswith("data:") else "data: URI"
    if src not in loaded:
        loaded[src] = _load(chapter, ctx, src)
    asset, problem = loaded[src]
    line = source_line(img)
    if asset is not None:
        chapter.assets.setdefault(asset.key, asset)
        img["src"] = f"images/{asset.file_name}"
        for attr in ("srcset", "srcSet", "sizes", "data-src", "loading"):
            if attr in img.attrs:
                del img[attr]
        if asset.width and asset.height and not inline:
            img["width"], img["height"] = str(asset.width), str(asset.height)
        if inline and not img.get("alt"):
            img["alt"] = ""
        return raw, asset.key
    rule = "images.missing" if problem.startswith("image not found") else "images.broken"
    chapter.log("warning", rule, problem, node=img, line=line)
    if ctx.strict:
        raise PressroomError(problem, chapter.rel, line)
    cjk = ctx.config.is_cjk
    text = (MISSING_ZH if cjk else MISSING_EN) + (short or "?")
    alt = img.get("alt", "").strip()
    aria = " ".join(p for p in (label, alt, f"（{text}）" if cjk else f"({text})") if p)
    placeholder = chapter.dom.new_tag("span" if inline else "div",
                                      attrs={"class": "image-missing", "role": "img", "aria-label": aria})
    placeholder.string = text
    img.replace_with(placeholder)
    return raw, ""
