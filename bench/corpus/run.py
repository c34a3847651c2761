"""One corpus folder: built as a zero-config book (the real command line, EPUB only, `--jobs 2`,
`--explain`, into build/corpus/<name>/, the explain report kept as explain.txt), its chapters paired
with their articles, every detector run, each lost passage classified (explained by a rule's record
or UNEXPLAINED), and EPUBCheck (and Ace) on the EPUB, their results kept beside it until it changes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from pipeline.config import load_config

from . import credits, markup
from .chapters import epub_chapters, omitted_articles, pair_sources
from .explained import UNEXPLAINED, classify_all, parse_explain
from .kept import MIN_LOST, kept_in_order
from .source_text import article_prose

ROOT = Path(__file__).resolve().parents[2]
# (name, what it finds, finder over a chapter body): the table's columns, in order
DETECTORS = [
    ("credits", "credit lines left in the body", credits.credit_lines),
    ("markdown", "raw Markdown outside code", markup.markdown_left),
    ("code", "code blocks that swallowed prose", markup.code_swallowed_prose),
    ("outro", "link-card and outro remains", markup.link_card_outro),
    ("latex", "formulas left as LaTeX", markup.latex_left),
    ("missing", "images missing (placeholder figures)", markup.images_missing),
]
EXCERPT = 60


def build(folder: Path, out: Path, offline: bool = True) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pipeline", "build", "--source", str(folder), "--out", str(out),
           "--format", "epub", "--jobs", "2", "--explain"] + (["--offline"] if offline else [])
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.monotonic() - t0
    (out / "build.log").write_text(proc.stderr, encoding="utf-8")
    (out / "explain.txt").write_text(proc.stdout, encoding="utf-8")
    lines = proc.stderr.splitlines()
    epub = next((Path(m.group(1)) for m in map(re.compile(r"^wrote (.+\.epub)$").match, proc.stdout.splitlines())
                 if m), None)
    return {"rc": proc.returncode, "seconds": round(seconds, 1), "epub": epub, "warnings": warnings(lines),
            "error": "" if proc.returncode == 0 else (lines[-1] if lines else f"exit {proc.returncode}"),
            "omitted": omitted_articles(lines), "explain": parse_explain(proc.stdout)}


def _rel(source: Path, folder: Path) -> str:
    try:
        return source.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return source.name


def warnings(lines: list[str]) -> list[str]:
    """Each warning the build printed: a `warning:` line, or each indented item of a grouped one
    (`warning: 96 images missing …:` then one indented line per image)."""
    out: list[str] = []
    header = None
    for line in lines:
        if line.startswith("warning:"):
            header = line
            out.append(line)
        elif header is not None and line[:1].isspace() and line.strip():
            if out and out[-1] == header:
                out.pop()  # the group's items stand for it
            out.append(line.strip())
        else:
            header = None
    return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cached_check(epub: Path, name: str, run) -> dict:
    """A checker's counts for this EPUB, from build/corpus/<folder>/<name>.json when the EPUB is the same."""
    store = epub.parent / f"{name}.json"
    digest = _digest(epub)
    if store.is_file():
        data = json.loads(store.read_text(encoding="utf-8"))
        if data.get("epub_sha256") == digest:
            return data
    t0 = time.monotonic()
    result = run(epub)
    data = {"epub_sha256": digest, "seconds": round(time.monotonic() - t0, 1), "summary": result.summary,
            "problems": result.problems}
    for level in ("FATAL", "ERROR", "WARNING", "critical", "serious", "moderate", "minor"):
        data[level.lower()] = sum(1 for p in result.problems if p.startswith(level + " "))
    store.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return data


def epubcheck(epub: Path) -> dict:
    from pipeline.check.epub import run_epubcheck

    data = cached_check(epub, "epubcheck", run_epubcheck)
    return {"errors": data["fatal"] + data["error"], "warnings": data["warning"], "seconds": data["seconds"],
            "hits": data["problems"]}


def ace(epub: Path) -> dict:
    from pipeline.check.ace import missing, run_ace

    why = missing()
    if why:
        return {"error": why}
    data = cached_check(epub, "ace", run_ace)
    return {"violations": sum(data[k] for k in ("critical", "serious", "moderate", "minor")),
            "serious": data["critical"] + data["serious"], "seconds": data["seconds"], "hits": data["problems"]}


def report_folder(name: str, folder: Path, out_root: Path, checks: tuple[str, ...] = ("epubcheck",),
                  offline: bool = True) -> dict:
    row: dict = {"folder": str(folder)}
    built = build(folder, out_root / name, offline)
    row["build_seconds"] = built["seconds"]
    row["warnings"] = {"count": len(built["warnings"]), "hits": built["warnings"]}
    if built["rc"] != 0 or built["epub"] is None:
        row["error"] = built["error"] or "no EPUB written"
        return row
    epub = built["epub"] if built["epub"].is_absolute() else ROOT / built["epub"]
    config, _notes = load_config(folder)
    chapters = epub_chapters(epub)
    row["pairing"] = pair_sources(chapters, config.chapter_files(), built["omitted"])
    row["articles"] = len(config.chapter_files())
    row["chapters"] = len(chapters)
    hits = {key: [] for key, _what, _find in DETECTORS}
    total = matched = unexplained = moved = 0
    lost, per_chapter = [], []
    for ch in chapters:
        label = ch.source.name if ch.source else ch.href
        for key, _what, find in DETECTORS:
            hits[key] += [{"file": label, "excerpt": " ".join(t.split())[:EXCERPT]} for t in find(ch.body)]
        if ch.source is not None:
            k = kept_in_order(article_prose(ch.source), ch.text())
            records = built["explain"].get(_rel(ch.source, folder)) or built["explain"].get(ch.source.name, [])
            total += k.total
            matched += k.matched
            chapter_unexplained = 0
            for run, verdict in classify_all(k, records):
                chapter_unexplained += verdict.unexplained
                moved += verdict.moved
                if run.end - run.start >= MIN_LOST:
                    lost.append({"file": label, "excerpt": run.excerpt, "rule": verdict.rule,
                                 "letters": run.lost, "unexplained": verdict.unexplained})
            unexplained += chapter_unexplained
            per_chapter.append({"file": label, "kept_pct": round(k.pct, 2) if k.pct is not None else None,
                                "letters": k.total, "unexplained": chapter_unexplained})
    passages = sum(1 for h in lost if h["rule"] == UNEXPLAINED)
    explained = total - matched - moved - unexplained  # letters a rule removed and said so (--explain)
    authors = total - explained  # the author's text: the source less the web's leftovers the rules removed
    row["kept"] = {"pct": round(100.0 * matched / total, 2) if total else None, "letters": total,
                   "authors_pct": round(100.0 * matched / authors, 2) if authors else None,
                   "matched": matched, "moved": moved, "explained": explained,
                   "chapters": per_chapter, "hits": lost}
    row["unexplained"] = {"pct": round(100.0 * unexplained / total, 2) if total else None, "letters": unexplained,
                    "passages": passages, "count": passages,
                    "hits": [h for h in lost if h["unexplained"]]}  # partly explained runs too
    for key, _what, _find in DETECTORS:
        row[key] = {"count": len(hits[key]), "hits": hits[key]}
    if "epubcheck" in checks:
        row["epubcheck"] = epubcheck(epub)
    if "ace" in checks:
        row["ace"] = ace(epub)
    return row
