"""SVG paths read in one pass: WeasyPrint 70 reads a path's `d` by spacing out every command letter,
normalising the string with four regular expressions, then taking it apart number by number
with a regular expression and a slice each (`weasyprint/svg/path.py`). The formulas of the PDF
are SVG drawn by ziamath, every glyph one path of absolute `M`, `L`, `Q`, `C` and `Z` commands:
reading them was about 40 % of what a page of formulas costs (bench/README.md).

`install()` replaces the function WeasyPrint draws `<path>` with (`TAGS["path"]` of
`weasyprint.svg`): a `d` made only of those absolute commands, each with its own numbers (plain
decimals, no exponent, no comma, no implicit repeat), is read by one regular expression and
drawn with the same operations, the same arithmetic in the same order, and the same vertices
(for markers) as WeasyPrint's code, so the PDF's bytes are the same; any other `d` goes to
WeasyPrint's own function. What a `d` drew is kept by its text (`_DRAWN`): the formulas place one
path a glyph (`math/ziamath_patch.py`), the same text wherever the glyph stands, so the second
time a glyph is drawn its operations are appended as they were written the first time. And
the transform that places a glyph, `translate(x y)` or `translate(x y) scale(s)`, is read by one
regular expression (`_transform()`) into the same matrix as WeasyPrint's `svg.utils.transform` (four regular expressions and a unit parser a number); any
other transform goes to WeasyPrint's. Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`): installed
only there and while the patches are on.
"""
from __future__ import annotations

import re
from math import atan2, pi

PACKAGE = "weasyprint"
_state: dict = {"original": None}
_TOKEN = re.compile(r"[MLQCZ]|-?\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")
_ARGS = {"M": 2, "L": 2, "Q": 4, "C": 6, "Z": 0}
_PLACED = re.compile(r"translate\((-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)\)(?: scale\((\d+(?:\.\d+)?)\))?")
_DRAWN: dict = {}  # d -> (its operations as one item of the stream, its vertices)
_KEEP = 20000  # paths kept at most (a glyph's is a few hundred bytes)


def _commands(d: str) -> list | None:
    """`d` as [(letter, numbers)], or None where it is not only absolute M L Q C Z commands with
    exactly their own numbers."""
    tokens = _TOKEN.findall(d)
    if "".join(tokens) != _SPACE.sub("", d):
        return None
    commands, i, n = [], 0, len(tokens)
    while i < n:
        letter = tokens[i]
        count = _ARGS.get(letter)
        if count is None:
            return None
        numbers = tokens[i + 1:i + 1 + count]
        if len(numbers) != count or any(t in _ARGS for t in numbers):
            return None
        commands.append((letter, [float(t) for t in numbers]))
        i += 1 + count
    return commands


def path(svg, node, font_size):
    """Draw a path node: WeasyPrint's `svg.path.path`, in one pass where `_commands()` reads it."""
    d = node.get("d", "")
    stream, vertices = svg.stream, node.vertices
    drawn = _DRAWN.get(d)
    if drawn is not None and not vertices:
        stream.stream.append(drawn[0])  # pydyf joins a stream's items with newlines: the same bytes
        vertices.extend(drawn[1])
        return
    commands = _commands(d)
    if commands is None:
        return _state["original"](svg, node, font_size)
    first, fresh = len(stream.stream), not vertices
    _draw(stream, vertices, commands)
    if fresh and all(isinstance(item, bytes) for item in stream.stream[first:]):
        if len(_DRAWN) >= _KEEP:
            _DRAWN.clear()
        _DRAWN[d] = b"\n".join(stream.stream[first:]), tuple(vertices)


def _draw(stream, vertices, commands) -> None:
    """WeasyPrint's drawing of a path, for `commands` read by `_commands()`."""
    current_point = 0, 0
    stream.move_to(*current_point)
    last_letter = first_path_point = None
    for letter, numbers in commands:
        if last_letter in (None, "Z") and letter != "M":
            vertices.append(current_point)
            first_path_point = current_point
        if last_letter in (None, "M", "Z"):
            first_path_point = None
        if letter not in ("M", "Z") and first_path_point is None:
            first_path_point = current_point
        if letter == "Q":
            x1, y1 = current_point
            x2, y2, x3, y3 = numbers
            stream.curve_to(x2 * 2 / 3 + x1 / 3, y2 * 2 / 3 + y1 / 3, x2 * 2 / 3 + x3 / 3, y2 * 2 / 3 + y3 / 3, x3, y3)
            vertices.append((0, 0))
            current_point = x3, y3
        elif letter == "L":
            x, y = numbers
            old_x, old_y = current_point
            angle = atan2(y - old_y, x - old_x)
            vertices.append((pi - angle, angle))
            stream.line_to(x, y)
            current_point = x, y
        elif letter == "M":
            x, y = numbers
            if last_letter and last_letter != "Z":
                vertices.append(None)
            stream.move_to(x, y)
            current_point = x, y
        elif letter == "C":
            x1, y1, x2, y2, x3, y3 = numbers
            vertices.append((atan2(y1 - y2, x1 - x2), atan2(y3 - y2, x3 - x2)))
            stream.curve_to(x1, y1, x2, y2, x3, y3)
            current_point = x3, y3
        elif first_path_point:  # Z
            vertices.append(None)
            stream.close()
            current_point = first_path_point
        if letter != "Z":
            vertices.append(current_point)
        last_letter = letter


def _transform(transform_string, transform_origin, font_size, normalized_diagonal):
    """WeasyPrint's `svg.utils.transform`, a glyph's placement read in one pass (see above)."""
    placed = _PLACED.fullmatch(transform_string) if not transform_origin else None
    if placed is None:
        return _state["transform"](transform_string, transform_origin, font_size, normalized_diagonal)
    from weasyprint.matrix import Matrix

    x, y, scale = placed.groups()
    size = float(scale) if scale is not None else 1.0
    # what WeasyPrint's five products of matrices give here: the scale on the diagonal, the
    # translation not scaled, zeros that are never -0.0 (tests/test_svg_paths.py compares them)
    return Matrix(a=size, b=0.0, c=0.0, d=size, e=float(x) + 0.0, f=float(y) + 0.0)


def install(cache_folder=None) -> bool:
    from ....engine_versions import written_for

    if not written_for(PACKAGE):
        return False
    from weasyprint import svg

    if _state["original"] is None:
        _state["original"], _state["transform"] = svg.TAGS["path"], svg.transform
        svg.TAGS["path"], svg.transform = path, _transform
    return True


def uninstall() -> None:
    """WeasyPrint's own path drawing again."""
    if _state["original"] is not None:
        from weasyprint import svg

        svg.TAGS["path"], svg.transform = _state["original"], _state["transform"]
        _state["original"] = None
