"""Colours a reader can read: WCAG's relative luminance and contrast ratio, written once, and
colours moved to AA contrast (4.5:1) where a style picks a paler one: the code colours of both
editions (`legible_style()` for Pygments, `legible_css()` for a stylesheet) and the cover's ink
(emit/cover.py). A leaf: it imports nothing of Pressroom's."""
from __future__ import annotations

import re


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG's relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(hex_colour: str) -> float:
    return relative_luminance(_rgb(hex_colour))


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def legible(colour: str, background: str, minimum: float = 4.6) -> str:
    """The colour, darkened (or lightened on a dark background) until it reaches `minimum` contrast."""
    rgb = _rgb(colour)
    target = 0 if _luminance(background) > 0.18 else 255
    for step in range(0, 101):
        t = step / 100
        mixed = "#" + "".join(f"{round(c + (target - c) * t):02x}" for c in rgb)
        if contrast(mixed, background) >= minimum:
            return mixed
    return "#000000" if target == 0 else "#ffffff"


def legible_style(name: str = "friendly"):
    """A Pygments style whose every token colour has WCAG AA contrast (4.5:1) on its background."""
    from pygments.style import Style
    from pygments.styles import get_style_by_name

    base = get_style_by_name(name)
    background = base.background_color or "#ffffff"
    styles = {}
    for token, _ in base:
        definition = base.styles.get(token, "")
        if not definition:
            continue
        parts = []
        for part in definition.split():
            if re.fullmatch(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?", part):
                bg = next((p[3:] for p in definition.split() if p.startswith("bg:#")), background)
                part = legible(part, bg)
            parts.append(part)
        styles[token] = " ".join(parts)
    return type(f"Legible{base.__name__}", (Style,), {"background_color": background,
                                                      "highlight_color": base.highlight_color,
                                                      "styles": styles})


def legible_css(css: str, minimum: float = 4.6) -> str:
    """Every `color: #hex` of a stylesheet at WCAG AA contrast: against the code block's tinted
    background (`#eeeeee`, darker than any the styles use) in `.hl` rules, else against white.
    Colours that pass are left as they are; one that does not keeps its hue, darkened."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=False)
    changed = False
    for rule in rules:
        if rule.type != "qualified-rule":
            continue
        background = "#eeeeee" if ".hl" in tinycss2.serialize(rule.prelude) else "#ffffff"
        tokens = rule.content
        for i, token in enumerate(tokens):
            if token.type != "ident" or token.lower_value != "color":
                continue
            j = i + 1
            while j < len(tokens) and (tokens[j].type == "whitespace" or tokens[j] == ":"):
                j += 1
            value = tokens[j] if j < len(tokens) else None
            if value is not None and value.type == "hash" and len(value.value) in (3, 6):
                colour = "#" + value.value
                if contrast(colour, background) < minimum - 0.1:
                    value.value = legible(colour, background, minimum).lstrip("#")
                    value.is_identifier = False
                    changed = True
    return tinycss2.serialize(rules) if changed else css
