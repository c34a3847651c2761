"""Images: every image found, checked by its bytes, made a numbered figure or a placeholder.

For each `<img>`: resolve its source (pipeline/images/resolve.py, fetch.py), check the bytes
(check.py), prepare them for the EPUB (prepare.py), store the Asset on the chapter and point the
src at `images/<hash>.<ext>`. A block holding only images becomes `<figure id="fig-1-2"
class="figure">` with a `<figcaption>` that starts with its label (图 1.2 / Figure 1.2) and takes the
caption paragraph after it.

A missing or broken image is a warning (an error with --strict, or with `[images] missing_images =
"error"`), and then, as `missing_images` says: "frame" (the default) puts a quiet frame in its place,
a short note ("图片暂缺" / "Image not available", strings.toml `image_missing`) and the image's own
alt text when it says more than the caption, the caption and credit kept; "omit" takes the image
out, and a figure left with no image goes with its caption and the credit line after it (logged as
`images.omitted`; the next figures take its number), so no credit of a dropped image reaches the
credits page. The book stage `missing_images` gathers the warnings into one.
"""
from __future__ import annotations

from pathlib import Path

from bs4 import NavigableString

from ..credits.parse import normalize, parse_line
from ..images.check import ImageRejected, check
from ..images.figure import caption_text, image_only, informative_alt, is_caption, next_block
from ..images.prepare import for_epub
from ..images.resolve import ImageNotFound, normalize_src, resolve
from ..model import Figure, PressroomError, source_line
from ..tree import ancestor, tags

MISSING = {"zh": "图片暂缺", "en": "Image not available"}  # when strings.toml has no `image_missing`
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
        caption = caption_text(_caption_node(fig))
        results = []
        for im in imgs:
            done.add(id(im))
            results.append(_embed(chapter, ctx, im, loaded, inline=False, caption=caption))
        if results and not fig.find_all("img") and ctx.config.images.missing_images == "omit":
            _omit(chapter, fig, label, caption)
            number -= 1  # the next figure takes its number
            continue
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


def _embed(chapter, ctx, img, loaded, inline: bool, caption: str = ""):
    """Point the img at its prepared asset, or put a frame in its place (or nothing, with
    `missing_images = "omit"`). Returns (src, key)."""
    raw = img.get("src", "") or img.get("data-src", "")
    src = normalize_src(raw)
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
    if ctx.strict or ctx.config.images.missing_images == "error":
        why = "--strict" if ctx.strict else '[images] missing_images = "error"'
        raise PressroomError(f"{problem} ({why} refuses a missing image)", chapter.rel, line)
    holder = img.parent if img.parent is not None and img.parent.name == "picture" else img
    if ctx.config.images.missing_images == "omit":
        holder.decompose()
        return raw, ""
    holder.replace_with(frame(chapter.dom, _note(chapter, ctx), img.get("alt", ""), caption, inline))
    return raw, ""


def frame(soup, note: str, alt: str = "", caption: str = "", inline: bool = False):
    """What stands in a missing image's place: a quiet frame with a short note, and the image's alt
    text when it says more than the caption (a span inside a sentence)."""
    box = soup.new_tag("span" if inline else "div", attrs={"class": "image-missing"})
    text = soup.new_tag("span", attrs={"class": "image-missing-note"})
    text.string = note
    box.append(text)
    alt = normalize(alt)
    if not inline and informative_alt(alt) and alt != caption:
        described = soup.new_tag("span", attrs={"class": "image-missing-alt"})
        described.string = alt
        box.append(described)
    return box


def _note(chapter, ctx) -> str:
    """The frame's note in the book's language, from strings.toml (the book's own first; both
    watched by the chapter cache, like the files of a missing image)."""
    from types import SimpleNamespace

    from ..template_files import TEMPLATES, strings  # only when an image is missing

    lang = ctx.config.language.split("-")[0].lower()
    for folder in (Path(ctx.source_dir) / ctx.config.templates, TEMPLATES):
        chapter.deps[str(folder / "strings.toml")] = None
    words = strings(SimpleNamespace(config=ctx.config, source_dir=Path(ctx.source_dir)))
    return words.get("image_missing") or MISSING.get(lang, MISSING["en"])


def _omit(chapter, fig, label: str, caption: str) -> None:
    """A figure whose images are all missing, left out (`missing_images = "omit"`) with its caption
    and the credit line right after it, as the credits stage would have read it."""
    removed = [caption] if caption else []
    nxt = next_block(fig)
    if nxt is not None and getattr(nxt, "name", None) == "p" and not nxt.find("img"):
        links = [(a.get_text(" ", strip=True), a.get("href", "")) for a in nxt.find_all("a") if a.get("href")]
        if parse_line(nxt.get_text(" ", strip=True), links) is not None:
            removed.append(normalize(nxt.get_text(" ", strip=True)))
            nxt.decompose()
    chapter.log("info", "images.omitted", f"{label}: its image is missing; the figure is left out with its caption "
                "and credit ([images] missing_images = \"omit\")", line=source_line(fig), text=" | ".join(removed))
    fig.decompose()
