"""Validation gates for built files: EPUBCheck for EPUBs (`epub.py`: fatals, errors and warnings
fail), Ace by DAISY on request (`ace.py`: any violation fails), and for PDFs every font embedded, no
Type 3 font, no .notdef glyph drawn, and extractable text (`pdf.py`).

`check_file()` returns a `CheckResult` (`result.py`) with one summary line; `pressroom check`,
`make check` and `pressroom release` print them and fail when any fails.

`store.py` is `pressroom check --store NAME`: a store's rules (`stores.toml`, data with each
rule's source) on an EPUB's package as `package.py` reads it.

Imports run one way: this module imports `epub`, `ace` and `pdf`; each of those imports only
`result` (and `pipeline.model`); `store` also imports `package`, `epub` (a store may ask for
EPUBCheck) and the leaf `pipeline.isbn`; `result` imports nothing of Pressroom's. No module of the
package imports this one.
"""
from __future__ import annotations

from pathlib import Path

from ..model import PressroomError
from .ace import run_ace, wanted as ace_wanted
from .epub import run_epubcheck
from .pdf import run_pdf_checks
from .result import CheckResult

__all__ = ["CheckResult", "ace_wanted", "check_file", "run_ace", "run_epubcheck", "run_pdf_checks"]


def check_file(path: Path, ace: bool = False) -> CheckResult:
    """EPUBCheck (and with `ace`, Ace by DAISY) for an EPUB; the PDF checks for a PDF."""
    path = Path(path)
    if not path.is_file():
        raise PressroomError(f"file not found: {path} (build it first: make all)")
    if path.suffix.lower() == ".epub":
        result = run_epubcheck(path)
        if ace:
            audit = run_ace(path)
            result = CheckResult(path, result.ok and audit.ok, f"{result.summary}; {audit.summary}",
                                 result.problems + audit.problems)
        return result
    if path.suffix.lower() == ".pdf":
        return run_pdf_checks(path)
    raise PressroomError(f"can only check .epub and .pdf files, not {path.name}")
