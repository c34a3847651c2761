"""The preview's build process: `python -m pipeline.serve.builder SOURCE OUT`, run by the server.

It reads one request a line on stdin (`{"formats": ["epub"], "jobs": 1}`), runs the same `build()` that
`pressroom build` runs (the same out folder, so the same cache), and answers one JSON line on
stdout: what was written, the build's warnings with file:line, and each chapter's `--explain`
record; or the build's one-line error. Kept alive between builds, it pays for its imports once;
being its own process, the build's worker processes are forked from a process with no server
threads. Ctrl-C (or SIGTERM from the server) ends a build as it ends `pressroom build`.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from ..model import PressroomError


def _diagnostic(d) -> dict:
    return {"level": d.level, "rule": d.rule, "message": d.message, "file": d.file, "line": d.line,
            "text": d.text}


def report(result, seconds: float) -> dict:
    """A BuildResult as the page reads it."""
    book = result.book
    chapters, warnings = [], []
    for ch in book.chapters:
        chapters.append({"rel": ch.rel, "id": ch.id, "title": ch.title, "number": ch.number,
                         "omitted": ch.omitted, "explain": [_diagnostic(d) for d in ch.diagnostics]})
        warnings += [_diagnostic(d) for d in ch.diagnostics if d.level in ("warning", "error")]
    seen = {(w["rule"], w["file"], w["line"], w["message"]) for w in warnings}
    for d in book.diagnostics:  # the book's own (a chapter's warnings are listed above, one a line)
        if d.level in ("warning", "error") and (d.rule, d.file, d.line, d.message) not in seen \
                and not (d.rule == "images.missing" and not d.file):
            warnings.append(_diagnostic(d))
    return {"ok": True, "title": book.config.title, "outputs": [str(p) for p in result.outputs], "chapters": chapters,
            "warnings": warnings, "notes": [n for n in result.notes if "nothing changed" not in n],
            "seconds": round(seconds, 3)}


def build_once(source: Path, out: Path, formats: list[str], jobs: int | None = None) -> dict:
    from ..build import build

    t0 = time.perf_counter()
    try:
        result = build(source, out, tuple(formats), force=True, jobs=jobs)
    except PressroomError as e:
        return {"ok": False, "error": str(e).splitlines()[0] if str(e) else type(e).__name__}
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as e:  # a bug, not the author's: the page shows it, stderr has the traceback
        traceback.print_exc(file=sys.stderr)
        line = (str(e).splitlines() or [""])[0]
        return {"ok": False, "error": f"{type(e).__name__}: {line}"}
    return report(result, time.perf_counter() - t0)


_warm = False


def warm_up(formats: list[str]) -> None:
    """Once, after the first answer: what a rebuild of one chapter runs in this process itself
    (its stages; the EPUB writer, or WeasyPrint and its fonts), made ready while the author reads;
    the first build ran them in worker processes. The first edit then shows as fast as the next."""
    global _warm
    if _warm:
        return
    _warm = True
    from ..build import import_stages

    import_stages()
    for name in ("pipeline.emit.epub",) if "pdf" not in formats else ("weasyprint", "pipeline.emit.pdf"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    if "pdf" not in formats:
        return
    with contextlib.suppress(Exception):  # fontconfig and the faces read once: 2-3 s of the first edit's PDF
        import weasyprint

        weasyprint.HTML(string=WARM_PAGE).write_pdf()


WARM_PAGE = """<html><body><p style="font-family: serif">Warm 中文 — “引号”</p>
<p style="font-family: sans-serif"><b>Warm</b> <i>中文</i> <code>code</code></p></body></html>"""


def main(argv: list[str]) -> int:
    source, out = Path(argv[0]), Path(argv[1])
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    # the answers get stdout to themselves: whatever the build or its workers print goes to stderr
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    try:
        from .. import build  # noqa: F401 - imported before the first request
        for line in sys.stdin:
            request = json.loads(line)
            answer = build_once(source, out, request.get("formats", ["epub"]), request.get("jobs"))
            answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
            answers.flush()
            warm_up(request.get("formats", ["epub"]))
    except KeyboardInterrupt:
        return 130
    finally:  # the PDF's fork server stopped and waited for, with no second signal cutting it short
        from ..pools import stop_fork_server

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        stop_fork_server()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
