"""bench/engine/ (`make test-engine`): the junit reports read by test id, the tests that pass plain
and fail patched found, each given a verdict, and the plugin's table of patches the same list
lay_out() installs. The runs themselves are the make target's, not make test's."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bench.engine import attribute, compare, plugin

PLAIN = """<testsuites><testsuite>
  <testcase classname="tests.test_pdf" name="test_links"/>
  <testcase classname="tests.test_text" name="test_leader_content[dotted-.]"/>
  <testcase classname="tests.test_text" name="test_gone"/>
  <testcase classname="tests.test_api" name="test_flaky"><failure message="boom">trace</failure></testcase>
  <testcase classname="tests.test_api" name="test_skipped"><skipped message="no gs"/></testcase>
</testsuite></testsuites>"""
PATCHED = """<testsuites><testsuite>
  <testcase classname="tests.test_pdf" name="test_links"><failure message="IndexError: pop">x</failure></testcase>
  <testcase classname="tests.test_text" name="test_leader_content[dotted-.]"/>
  <testcase classname="tests.test_api" name="test_flaky"/>
  <testcase classname="tests.test_api" name="test_skipped"><error message="crash"/></testcase>
</testsuite></testsuites>"""


def test_broken_are_the_tests_that_pass_plain_and_not_patched(tmp_path):
    (tmp_path / "plain.xml").write_text(PLAIN)
    (tmp_path / "patched.xml").write_text(PATCHED)
    plain, patched = compare.outcomes(str(tmp_path / "plain.xml")), compare.outcomes(str(tmp_path / "patched.xml"))
    assert plain["tests.test_api::test_flaky"] == ("failed", "boom")
    assert plain["tests.test_api::test_skipped"][0] == "skipped"
    assert compare.broken(plain, patched) == [
        ("tests.test_pdf::test_links", "failed", "IndexError: pop"),
        ("tests.test_text::test_gone", "missing", ""),  # did not run patched: counted as broken
    ]
    assert compare.main([str(tmp_path / "plain.xml"), str(tmp_path / "patched.xml")]) == 1
    assert compare.main([str(tmp_path / "plain.xml"), str(tmp_path / "plain.xml")]) == 0


def test_node_id_from_a_junit_test_id():
    assert attribute.node_id('tests.draw.test_text::test_leader_content[" .-"- .-]') == \
        'tests/draw/test_text.py::test_leader_content[" .-"- .-]'


def test_verdict_join_named_or_unexplained(monkeypatch):
    docs = {"pdf_leaders": "Differs from WeasyPrint's test_leader_content: one box.", "pdf_margins": "nothing"}
    monkeypatch.setattr(attribute, "docstring_of", lambda name: docs.get(name, ""))
    assert attribute.verdict("tests.test_pdf::test_bleed[x]", ["pdf_fonts", attribute.JOIN]) == "join"
    assert attribute.verdict("tests.test_text::test_leader_content[solid-_]", ["pdf_leaders"]) == "named"
    assert attribute.verdict("tests.test_text::test_leader_content[solid-_]",
                             ["pdf_leaders", "pdf_margins"]) == "UNEXPLAINED"
    assert attribute.verdict("tests.test_layout::test_page", ["pdf_margins"]) == "UNEXPLAINED"
    assert attribute.verdict("tests.test_layout::test_page", ["all, no join"]) == "UNEXPLAINED"


def test_the_plugin_installs_what_lay_out_installs():
    """The fallback table names each patch lay_out() installs (pipeline/emit/pdf_parts.py), in order."""
    import importlib.util
    import inspect

    try:
        moved = importlib.util.find_spec("pipeline.emit.pdf.weasyprint_patches") is not None
    except ImportError:  # pipeline.emit.pdf is a module, not yet a folder
        moved = False
    if moved:
        pytest.skip("the plugin installs the patches through weasyprint_patches.install_all()")
    from pipeline.emit import pdf_parts

    source = textwrap.dedent(inspect.getsource(pdf_parts.lay_out))
    calls = ["pdf_images.install", "justify.install", "pdf_leaders.install", "pdf_margins.install",
             "pdf_relayout.install", "pdf_fonts.share_face_data", "pdf_streams.install", "pdf_fonts.install"]
    assert [source.index(c) for c in calls] == sorted(source.index(c) for c in calls)
    assert plugin.PATCH_NAMES == ["pdf_images", "justify", "pdf_leaders", "pdf_margins", "pdf_relayout",
                                  "pdf_fonts.share_face_data", "pdf_streams", "pdf_fonts"]
    assert [name for name, _ in plugin._patches()] == plugin.PATCH_NAMES


def test_the_plugin_writes_whole_pdfs_with_every_patch_installed(tmp_path):
    """In a fresh interpreter (the patches change WeasyPrint for the whole process): every patch
    installs on the pinned WeasyPrint, and a PDF written then carries real font files, the font
    notes completed by the join's step, its text extractable."""
    script = f"""
import io, pytest, pikepdf
from bench.engine import plugin
from pipeline.emit import pdf_fonts
class Config: pass
config = Config()
plugin.pytest_configure(config)
print(config.pressroom_patches)
from weasyprint import HTML
data = HTML(string="<p>Pressroom 排版</p>").write_pdf()
with pikepdf.open(io.BytesIO(data)) as pdf:
    for desc in pdf_fonts._descriptors(pdf):
        font = desc.get("/FontFile2") or desc.get("/FontFile3")
        assert pdf_fonts.MARK not in font.read_bytes()[:64], "a font note left in"
open({str(tmp_path / "out.pdf")!r}, "wb").write(data)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "join: pdf_fonts.share after write_pdf" in proc.stdout
    for name in ("pdf_images", "justify", "pdf_leaders", "pdf_fonts"):
        assert name in proc.stdout
    text = subprocess.run(["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Pressroom" in text and "排版" in text
