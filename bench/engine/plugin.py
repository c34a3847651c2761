"""A pytest plugin (`-p bench.engine.plugin`) that installs every Pressroom patch of WeasyPrint
and pydyf before WeasyPrint's own tests run, as a build installs them in a layout worker.

The patches come from `pipeline.emit.pdf.weasyprint_patches.install_all(cache_folder)` where
that exists; else from the calls at the top of `pipeline/emit/pdf_parts.py: lay_out()`, made here
in the same order (`PATCHES`). The font patch (`pdf_fonts`) leaves a note in place of each font
subset, which the join completes (`pdf_fonts.share`): so that WeasyPrint's tests read a whole PDF,
`Document.write_pdf` is followed by that step here, as every PDF Pressroom writes is
(`PRESSROOM_ENGINE_JOIN=0` leaves the notes in, to see the difference).

`PRESSROOM_ENGINE_ONLY=name,name` installs only those patches (the fallback table only), to tell
which patch a failing test follows from; the name `join` alone installs no patch and only rewrites
each PDF through the join's step (pikepdf), to tell the join's way of writing a PDF from the font
patch. The names installed are printed in pytest's header.
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path


def _fonts_installed() -> bool:
    from weasyprint.pdf import fonts

    return getattr(fonts.Font.subset, "__name__", "") == "_noted"


def _face_data_shared() -> bool:
    from weasyprint.pdf import fonts

    return getattr(getattr(fonts, "get_hb_object_data", None), "shared", False)


def _patches():
    """(name, install(cache) -> bool) in the order lay_out() installs them."""
    from pipeline.emit import justify, pdf_fonts, pdf_images, pdf_leaders, pdf_margins, pdf_relayout, pdf_streams

    return [
        ("pdf_images", lambda cache: pdf_images.install(cache / "png-streams")),
        ("justify", lambda cache: bool(justify.install())),
        ("pdf_leaders", lambda cache: pdf_leaders.install()),
        ("pdf_margins", lambda cache: pdf_margins.install()),
        ("pdf_relayout", lambda cache: pdf_relayout.install()),
        ("pdf_fonts.share_face_data", lambda cache: (pdf_fonts.share_face_data(), _face_data_shared())[1]),
        ("pdf_streams", lambda cache: pdf_streams.install()),
        ("pdf_fonts", lambda cache: pdf_fonts.install(pdf_fonts.folder_of(cache))),
    ]


PATCH_NAMES = ["pdf_images", "justify", "pdf_leaders", "pdf_margins", "pdf_relayout",
               "pdf_fonts.share_face_data", "pdf_streams", "pdf_fonts"]


def install_all(cache: Path, only: set[str] | None = None) -> list[str]:
    """Every patch installed (or those in `only`), their names returned."""
    if not only:
        try:
            from pipeline.emit.pdf.weasyprint_patches import install_all as installer
        except ImportError:  # before emit/ has its pdf/ folder: the calls of lay_out()
            pass
        else:
            return list(installer(cache))
    return [name for name, install in _patches() if (not only or name in only) and install(cache)]


def _with_join(cache: Path) -> None:
    """Document.write_pdf followed by the join's font step, as in every PDF Pressroom writes."""
    import pikepdf
    from weasyprint.document import Document

    from pipeline.emit import pdf_fonts

    write_pdf = Document.write_pdf
    if getattr(write_pdf, "pressroom_join", False):
        return

    def joined(self, target=None, *args, **kwargs):
        data = write_pdf(self, None, *args, **kwargs)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pdf_fonts.share(pdf, pdf_fonts.folder_of(cache))
            out = io.BytesIO()
            # no stream compressed or decoded that was not (`--uncompressed-pdf` stays so), objects
            # kept where they were, the file's /ID made from its content (as pdf_merge.py saves the
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
    only = {n.strip() for n in os.environ.get("PRESSROOM_ENGINE_ONLY", "").split(",") if n.strip()}
    names = install_all(cache, only - {"join"} if only else None) if only != {"join"} else []
    if (_fonts_installed() or "join" in only) and os.environ.get("PRESSROOM_ENGINE_JOIN", "1") != "0":
        _with_join(cache)
        names.append("join: pdf_fonts.share after write_pdf")
    config.pressroom_patches = names


def pytest_report_header(config):
    names = getattr(config, "pressroom_patches", [])
    return f"pressroom patches installed: {', '.join(names) or 'none'}"
