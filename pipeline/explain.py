"""`pressroom build --explain`: per chapter, every rule that fired, where, and the text it removed
or changed, so an author can check that nothing of theirs was lost."""
from __future__ import annotations

LEVEL_MARK = {"info": "", "warning": "warning: ", "error": "error: "}


def _one_line(s: str, width: int | None) -> str:
    s = " ".join(s.replace("\r", "").split("\n")).strip()
    s = " ".join(s.split())
    if width and len(s) > width:
        s = s[: width - 1] + "…"
    return s


def format_explain(chapters, width: int | None = None, rules: tuple[str, ...] = ()) -> str:
    """The report: a header per chapter, then one line per diagnostic in source order:
    `file:line  rule  message` and, indented below it, the text removed or changed.
    `rules` keeps only diagnostics whose rule starts with one of these prefixes ("clean.")."""
    out: list[str] = []
    for ch in chapters:
        diags = [d for d in ch.diagnostics if not rules or d.rule.startswith(tuple(rules))]
        title = ch.meta.get("title") or ""
        head = f"== {ch.rel}" + (f" (chapter {ch.number}: {title})" if title else f" (chapter {ch.number})")
        if getattr(ch, "omitted", False):
            head += " [left out of the book]"
        out.append(head)
        if not diags:
            out.append("   nothing changed")
            out.append("")
            continue
        order = sorted(range(len(diags)), key=lambda i: (diags[i].line is None, diags[i].line or 0, i))
        for i in order:
            d = diags[i]
            where = f"{d.file or ch.rel}:{d.line}" if d.line else (d.file or ch.rel)
            out.append(f"{where}  {d.rule}  {LEVEL_MARK.get(d.level, d.level + ': ')}{d.message}")
            if d.text:
                out.append(f"    | {_one_line(d.text, width)}")
        counts: dict[str, int] = {}
        for d in diags:
            counts[d.rule] = counts.get(d.rule, 0) + 1
        out.append("   " + ", ".join(f"{r} x{n}" for r, n in sorted(counts.items())))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
