"""`python -m bench.corpus`: build every corpus folder, print one table, write build/corpus/report.json."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .run import DETECTORS, ROOT, report_folder

CORPUS = ROOT.parent / "shared" / "corpus"
FOLDERS = {  # the folders of tests/conftest.py corpus_folder()
    "tds-zh": "tds-zh/docs",
    "medium-zh-javarevisited": "medium-zh-javarevisited/docs",
    "tds-zh-2025": "tds-zh-2025/docs",
    "medium-html": "medium-html/precillieo",
    "medium-md-en": "medium-md-en/vincenttatan/content/blog",
}
SHOWABLE = ["kept", "unexplained", "warnings", "epubcheck", "ace"] + [key for key, _w, _f in DETECTORS]


def folders(extra: list[str]) -> dict[str, Path]:
    out = {name: CORPUS / rel for name, rel in FOLDERS.items() if (CORPUS / rel).is_dir()}
    for d in extra:
        path = Path(d).resolve()
        name = path.name if path.name not in out else f"{path.parent.name}-{path.name}"
        out[name] = path
    return out


def cell(row: dict, key: str) -> str:
    if "error" in row:
        return "-"
    if key in ("kept", "authors"):
        pct = row["kept"].get("pct" if key == "kept" else "authors_pct")
        return "-" if pct is None else f"{pct:.2f}%"
    if key == "unexplained":
        u = row.get("unexplained") or {}
        return "-" if u.get("pct") is None else f"{u['passages']} {u['pct']:.2f}%"
    if key == "epubcheck":
        e = row.get("epubcheck")
        return f"{e['errors']}/{e['warnings']}" if e else "-"
    if key == "ace":
        a = row.get("ace")
        return "-" if not a else ("n/a" if "error" in a else f"{a['violations']} ({a['serious']})")
    return str(row[key]["count"])


COLUMNS = [("kept", "kept"), ("authors", "author's"), ("unexplained", "lost?"), ("credits", "credits"), ("markdown", "md"), ("code", "code"), ("outro", "outro"),
           ("latex", "latex"), ("missing", "img-miss"), ("warnings", "warn"), ("epubcheck", "epubchk E/W"),
           ("ace", "ace (crit+ser)")]


def table(rows: dict[str, dict], checks: tuple[str, ...]) -> str:
    cols = [(k, h) for k, h in COLUMNS if k not in ("epubcheck", "ace") or k in checks]
    head = ["folder", "ch"] + [h for _k, h in cols]
    body = []
    for name, row in rows.items():
        body.append([name, str(row.get("chapters", "-"))] + [cell(row, k) for k, _h in cols])
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    lines = [fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in body]
    for name, row in rows.items():
        if row.get("error"):
            lines.append(f"{name}: build failed: {row['error']}")
        if row.get("pairing"):
            lines.append(f"{name}: {row['pairing']}")
    return "\n".join(lines)


def show(rows: dict[str, dict], key: str) -> str:
    out = []
    for name, row in rows.items():
        hits = (row.get(key) or {}).get("hits", [])
        out.append(f"== {name}: {len(hits)} {key}")
        for h in hits:
            if not isinstance(h, dict):
                out.append(f"  {h}")
            elif "rule" in h:  # a lost passage: the rule that removed it, or UNEXPLAINED
                part = h.get("unexplained", 0)
                why = h["rule"] + (f"; {part} letters UNEXPLAINED" if part and h["rule"] != "UNEXPLAINED" else "")
                out.append(f"  {h['file'][:48]}: [{why}] {h['excerpt']}")
            else:
                out.append(f"  {h['file'][:48]}: {h['excerpt']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="make corpus", description=__doc__)
    ap.add_argument("--corpus", action="append", default=[], metavar="DIR", help="one more folder of articles")
    ap.add_argument("--only", action="append", default=[], metavar="NAME", help="only this folder (repeatable)")
    ap.add_argument("--show", choices=SHOWABLE, help="print the hits of one detector after the table")
    ap.add_argument("--ace", action="store_true", help="run Ace by DAISY too (slow)")
    ap.add_argument("--no-epubcheck", action="store_true", help="skip EPUBCheck")
    ap.add_argument("--online", action="store_true", help="fetch remote images (default: --offline builds)")
    ap.add_argument("--out", default=str(ROOT / "build" / "corpus"), help="where the books and report.json go")
    args = ap.parse_args(argv)
    checks = tuple(c for c, on in (("epubcheck", not args.no_epubcheck), ("ace", args.ace)) if on)
    out = Path(args.out)
    todo = folders(args.corpus)
    if args.only:
        todo = {k: v for k, v in todo.items() if k in args.only}
    if not todo:
        print(f"no corpus folder found (looked in {CORPUS}; add one with --corpus DIR)", file=sys.stderr)
        return 2
    rows = {}
    t0 = time.monotonic()
    for name, folder in todo.items():
        print(f"building {name} ...", file=sys.stderr, flush=True)
        rows[name] = report_folder(name, folder, out, checks, offline=not args.online)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(rows, checks))
    print(f"({time.monotonic() - t0:.0f} s; every hit in {out / 'report.json'}; "
          f"one detector's hits: --show {{{','.join(SHOWABLE)}}})")
    if args.show:
        print(show(rows, args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
