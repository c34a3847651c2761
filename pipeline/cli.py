"""`pressroom` (and `python -m pipeline`): thin commands over the library.

Each command parses its arguments, calls the library and maps a PressroomError to one line on
stderr and exit code 2; a failed check exits 1. A user's mistake never prints a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
from pathlib import Path

from .model import PressroomError


def _print_diagnostics(book, explain: bool) -> None:
    for d in book.diagnostics:
        if d.level in ("warning", "error"):
            print(f"{d.level}: {d}", file=sys.stderr)
    if explain:
        try:
            from .explain import format_explain
        except ImportError:
            format_explain = None
        if format_explain is not None:
            print(format_explain(book.chapters))
        else:
            for d in book.diagnostics:
                print(f"{d} [{d.rule}] {d.text}")


def cmd_build(args) -> int:
    if args.catalogue is not None:
        return cmd_build_catalogue(args)
    from .build import build

    from .editions import EDITIONS

    formats = tuple(EDITIONS[name] for name in args.edition) if args.edition else (args.format,)
    result = build(Path(args.source or "source"), Path(args.out or "build"), formats, strict=args.strict,
                   offline=args.offline, jobs=args.jobs, force=args.explain or args.force)
    for note in result.notes:
        print(note if note.startswith(("warning:", "error:")) else f"note: {note}", file=sys.stderr)
    if result.book is not None:
        _print_diagnostics(result.book, args.explain)
    for path in result.outputs:
        print(f"wrote {path}")
    if args.timings:
        for name, seconds in result.timings.items():
            print(f"{name:>20} {seconds:8.2f} s")
        for d in result.book.diagnostics if result.book is not None else ():
            if d.rule == "pdf.engine-patches":  # which of WeasyPrint's internals Pressroom replaced, or why none
                print(d.message)
    return 0


def cmd_build_catalogue(args) -> int:
    """`pressroom build --catalogue DIR`: every DIR/*/book.toml built (pipeline/catalogue.py), a line
    as each book ends, the summary table, exit 2 when any book failed."""
    from .catalogue import build_catalogue, summary_table

    for flag, given in (("--source", args.source), ("--explain", args.explain), ("--timings", args.timings)):
        if given:
            raise PressroomError(f"{flag} builds one book: leave it out with --catalogue, or build that book alone")

    def done(run) -> None:
        for message in run.messages:
            if message.startswith("warning:"):
                print(f"{run.name}: {message}", file=sys.stderr)
        if run.ok:
            print(f"{run.name}: {run.status} ({run.seconds:.1f} s)")
        else:
            print(f"{run.name}: error: {run.error}", file=sys.stderr)

    runs = build_catalogue(Path(args.catalogue), Path(args.out) if args.out else None, args.format,
                           jobs=args.jobs, strict=args.strict, offline=args.offline, force=args.force,
                           on_done=done)
    print(summary_table(runs))
    failed = [r.name for r in runs if not r.ok]
    if failed:
        print(f"error: {len(failed)} of {len(runs)} books failed: {', '.join(failed)}", file=sys.stderr)
        return 2
    return 0


def cmd_check(args) -> int:
    from .check import ace_wanted, check_file

    if args.store:
        return _check_stores(args)
    ace = ace_wanted(args.ace)
    failed = 0
    files = args.files or sorted(str(p) for p in Path("build").glob("*.epub")) + \
        sorted(str(p) for p in Path("build").glob("*.pdf"))
    if not files:
        raise PressroomError("nothing to check in build/ (run make all first, or name the files)")
    for f in files:
        result = check_file(Path(f), ace=ace)
        print(result.line())
        for problem in result.problems[:20]:
            print(f"    {problem}")
        failed += not result.ok
    return 1 if failed else 0


def _check_stores(args) -> int:
    """`check --store NAME`: each finding on a line of its own, then a summary line per store."""
    from .check.epub import run_epubcheck
    from .check.store import check_store, rules

    # an unknown name fails here, before any work, listing the known ones
    epubcheck = any(rule.check == "epubcheck" for store in args.store for rule in rules(store))
    files = args.files or sorted(str(p) for p in Path("build").glob("*.epub"))
    if not files:
        raise PressroomError("no EPUB to check in build/ (run make epub first, or name the file)")
    refused = False
    for f in files:
        ran = (run_epubcheck(Path(f)) if epubcheck and Path(f).is_file() and Path(f).suffix.lower() == ".epub"
               else None)  # once for all the stores that ask for it
        for store in args.store:
            report = check_store(Path(f), store, ran)
            for finding in report.findings:
                print(finding.line())
            print(report.summary())
            refused |= not report.ok
    return 1 if refused else 0


def cmd_release(args) -> int:
    from .release import make_release

    for path in make_release(Path(args.source), Path(args.out), jobs=args.jobs,
                             allow_missing_images=args.allow_missing_images):
        print(f"wrote {path}")
    return 0


def cmd_new(args) -> int:
    from .config import book_toml_text

    folder = Path(args.dir)
    target = folder / "book.toml"
    if target.exists():
        raise PressroomError("book.toml already exists; edit it instead", str(target))
    text = book_toml_text(folder)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def cmd_credits(args) -> int:
    from .book.credits import credits_table
    from .build import assemble
    from .config import load_config

    config, _ = load_config(Path(args.source))
    book = assemble(config, Path(args.source), Path(args.out) / ".cache", offline=args.offline, jobs=1)
    print(credits_table(book.credits, args.as_))
    return 0


def cmd_import(args) -> int:
    from .load.medium_import import import_medium

    written = import_medium(Path(args.export), Path(args.dest), include_drafts=args.drafts,
                            include_replies=args.replies)
    for p in written:
        print(f"wrote {p}")
    return 0


def cmd_serve(args) -> int:
    from .serve import run as serve

    return serve(Path(args.source), Path(args.out), host=args.host, port=args.port, open_page=args.open)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="pressroom", description="Build an EPUB 3 and a typeset PDF from articles.")
    sub = ap.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the book")
    b.add_argument("--format", choices=["epub", "pdf", "all"], default="all",
                   help="what to build: epub, pdf (the screen edition), or all: every edition book.toml declares "
                        "(the EPUB and the PDF where it declares none) (default: all)")
    b.add_argument("--edition", action="append", choices=["ebook", "screen", "print"], default=[],
                   help="build this edition of book.toml's [editions] (again for more; default: all it declares)")
    b.add_argument("--source", default=None, help="the book's folder (default: source)")
    b.add_argument("--out", default=None, help="where the files go (default: build; with --catalogue, "
                   "OUT/<book>/, or without --out each book's own DIR/<book>/build/)")
    b.add_argument("--catalogue", metavar="DIR", default=None,
                   help="build every DIR/*/book.toml, --jobs books at once, and print a summary table")
    b.add_argument("--strict", action="store_true", help="treat warnings (missing images, …) as errors")
    b.add_argument("--offline", action="store_true", help="use only cached remote images")
    b.add_argument("--explain", action="store_true", help="list every rule that fired, with the text it changed")
    b.add_argument("--jobs", type=int, default=None, help="chapters in parallel (default: the number of cores; "
                   "with --catalogue, books built at once)")
    b.add_argument("--timings", action="store_true", help="print the time each stage took")
    b.add_argument("--force", action="store_true", help="build even when nothing changed")
    b.set_defaults(func=cmd_build)

    c = sub.add_parser("check", help="validate built EPUB and PDF files")
    c.add_argument("files", nargs="*")
    c.add_argument("--ace", action="store_true", help="also run Ace by DAISY on EPUBs (or PRESSROOM_ACE=1)")
    c.add_argument("--store", action="append", default=[], metavar="NAME",
                   help="what a store (kdp, apple, kobo, google) would refuse or warn about in an EPUB; "
                        "repeat for several (exit 1 when one would refuse it)")
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("release", help="build, check, and publish release/<stem>-<version>.* with SHA256SUMS")
    r.add_argument("--source", default="source")
    r.add_argument("--out", default="build")
    r.add_argument("--jobs", type=int, default=None)
    r.add_argument("--allow-missing-images", action="store_true",
                   help="release with missing images drawn as frames (listed in the build report) instead of refusing")
    r.set_defaults(func=cmd_release)

    n = sub.add_parser("new", help="write a book.toml for a folder of articles")
    n.add_argument("dir")
    n.set_defaults(func=cmd_new)

    cr = sub.add_parser("credits", help="list the image credits")
    cr.add_argument("--source", default="source")
    cr.add_argument("--out", default="build")
    cr.add_argument("--offline", action="store_true")
    cr.add_argument("--as", dest="as_", choices=["table", "csv", "json"], default="table")
    cr.set_defaults(func=cmd_credits)

    im = sub.add_parser("import", help="import articles from a platform's export")
    im.add_argument("platform", choices=["medium"])
    im.add_argument("export", help="Medium's export: the zip or its posts/ folder")
    im.add_argument("--dest", default="source")
    im.add_argument("--drafts", action="store_true")
    im.add_argument("--replies", action="store_true")
    im.set_defaults(func=cmd_import)
    s = sub.add_parser("serve", help="a live preview: rebuilds on every save, the page reloads itself")
    s.add_argument("--source", default="source", help="the book's folder (default: source)")
    s.add_argument("--out", default="build", help="where the builds go, with their cache (default: build)")
    s.add_argument("--port", type=int, default=8000, help="the port (default: 8000; 0: a free one)")
    s.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    s.add_argument("--open", action="store_true", help="open the page in the web browser")
    s.set_defaults(func=cmd_serve)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    quiet_root_logger()
    with contextlib.suppress(ValueError):  # `kill PID`, a cancelled CI job: cleaned up like Ctrl-C
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        return args.func(args)
    except PressroomError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return _interrupt_handled()
    except BrokenPipeError:
        os._exit(1)
    except Exception as e:
        if _interrupted(e):
            return _interrupt_handled()
        message = template_error(e)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return 2


def template_error(error: BaseException) -> str | None:
    """One line for a mistake in a template (a book's own, `templates/…`): the file, the line and
    what Jinja said, where a traceback was printed; None for any other error."""
    jinja2 = sys.modules.get("jinja2")  # not imported to ask: a build that failed before any template
    if jinja2 is None or not isinstance(error, jinja2.TemplateError):
        return None
    where, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    tb = error.__traceback__
    while tb is not None:  # a mistake found while rendering: Jinja puts the template's line in the traceback
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            where, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    name = os.path.relpath(where) if where else (getattr(error, "name", None) or "a template")
    return f"{name}{f':{line}' if line else ''}: template error: {getattr(error, 'message', None) or error}; fix the template"


def quiet_root_logger() -> None:
    """The root logger given a handler that drops what it gets, before a library logs: ziafont
    (drawing formulas) logs through `logging.debug()`, which gives a root logger that has no
    handler the one of `logging.basicConfig()`, and from then on every warning of WeasyPrint's
    (CSS it ignores, as print.css's `text-emphasis`) reached the terminal as `WARNING:weasyprint:…`
    in a book laid out in the build's process. Pressroom says itself what a reader of its output
    needs (missing glyphs, images, fonts: `pressroom check`)."""
    import logging

    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())


def _interrupt_handled() -> int:
    """The message and exit code of a build stopped by Ctrl-C (or SIGTERM).

    CPython 3.11 marks a KeyboardInterrupt that ends code run by `exec()` of a string as never
    handled, even when a caller catches it; dataclass and namedtuple creation run such code, so a
    Ctrl-C during an import may end there. Under `python -m pipeline` the process would then kill
    itself with SIGINT at exit (status -2) instead of exiting with 130. Every string exec clears
    the mark as it starts: the empty one here does."""
    exec("")  # noqa: S102 - clears CPython's "unhandled KeyboardInterrupt" mark, see above
    print("error: interrupted; the previous build outputs are untouched", file=sys.stderr)
    return 130


def _interrupted(error: BaseException | None) -> bool:
    """Whether a Ctrl-C caused `error`: Python wraps one that comes while a class is being made
    (a RuntimeError from `__set_name__`, during an import) in an error of its own."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def run() -> None:
    """The `pressroom` command: `main()`, then the exit, without the interpreter's last full
    garbage collection (0.03 s of every build, for objects about to go anyway)."""
    code = main()
    from .pools import stop_fork_server

    stop_fork_server()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
