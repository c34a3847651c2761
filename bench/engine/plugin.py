"""A pytest plugin (`-p bench.engine.plugin`) that installs every Pressroom patch of WeasyPrint
and pydyf before WeasyPrint's own tests run, as a build installs them in a layout worker.

The patches are installed by `pipeline.emit.pdf.weasyprint_patches.install_all(cache_folder)`, the
call a layout worker makes, so `PRESSROOM_ENGINE_PATCHES` works here as in a build: `=0` installs
none, `=leaders,margins` those alone (how `attribute.py` tells which patch a failing test follows
from). The font patch (`font_subsets`) leaves a note in place of each font subset, which the join
completes (`shared_fonts.share(pdf, folder_of(cache))`, as `join.py` calls it): so that
WeasyPrint's tests read a whole PDF, `Document.write_pdf` is followed by that step here, as every
PDF Pressroom writes is. `PRESSROOM_ENGINE_JOIN=0` leaves the notes in (to see the difference);
`=1` rewrites each PDF through the join's step even with no patch installed (the join's way of
writing a PDF, pikepdf's, told apart from the font patch); unset, the step runs where the font
patch is installed. The names installed are printed in pytest's header.
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

JOIN_NAME = "join: shared_fonts.share after write_pdf"


def patch_names() -> tuple[str, ...]:
    """Every patch, in the order a layout worker installs them (weasyprint_patches.PATCHES)."""
    from pipeline.emit.pdf.weasyprint_patches import PATCHES

    return tuple(PATCHES)


def install_all(cache: Path) -> list[str]:
    """The patches a build installs (as `PRESSROOM_ENGINE_PATCHES` says), their names returned."""
    from pipeline.emit.pdf import weasyprint_patches

    return list(weasyprint_patches.install_all(cache))


def _with_join(cache: Path) -> None:
    """Document.write_pdf followed by the join's font step, as in every PDF Pressroom writes."""
    import pikepdf
    from weasyprint.document import Document

    from pipeline.emit.pdf import shared_fonts

    write_pdf = Document.write_pdf
    if getattr(write_pdf, "pressroom_join", False):
        return

    def joined(self, target=None, *args, **kwargs):
        data = write_pdf(self, None, *args, **kwargs)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            shared_fonts.share(pdf, shared_fonts.folder_of(cache))
            out = io.BytesIO()
            # no stream compressed or decoded that was not (`--uncompressed-pdf` stays so), objects
            # kept where they were, the file's /ID made from its content (as join.py saves the
            # book; qpdf's own /ID would change from one write to the next): the join's font step
            # and qpdf's way of writing, nothing else
            pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                     object_stream_mode=pikepdf.ObjectStreamMode.preserve, preserve_pdfa=True,
                     deterministic_id=True)
        data = out.getvalue()
        if target is None:
            return data
        if hasattr(target, "write"):
            target.write(data)
        else:
            Path(target).write_bytes(data)
        return None

    joined.pressroom_join = True  # type: ignore[attr-defined]
    Document.write_pdf = joined


def pytest_configure(config):
    cache = Path(tempfile.mkdtemp(prefix="pressroom-engine-"))
    names = install_all(cache)
    join = os.environ.get("PRESSROOM_ENGINE_JOIN", "").strip()
    if join == "1" or (join != "0" and "font_subsets" in names):
        _with_join(cache)
        names.append(JOIN_NAME)
    config.pressroom_patches = names


def pytest_report_header(config):
    names = getattr(config, "pressroom_patches", [])
    return f"pressroom patches installed: {', '.join(names) or 'none'}"
