"""bench/engine/ (`make test-engine`): the junit reports read by test id, the tests that pass plain
and fail patched found, each given a verdict (the real patch docstrings too), and the plugin
installing what weasyprint_patches.install_all() installs in a layout worker, as
PRESSROOM_ENGINE_PATCHES says. The runs themselves are the make target's, not make test's."""
from __future__ import annotations

import subprocess
import sys

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
    docs = {"leaders": "Differs from WeasyPrint's test_leader_content: one box.", "margins": "nothing"}
    monkeypatch.setattr(attribute, "docstring_of", lambda name: docs.get(name, ""))
    join, no_join = attribute.JOIN, attribute.ALL_NO_JOIN
    # the join's rewrite alone fails it, every patch without the rewrite passes it
    assert attribute.verdict("tests.test_pdf::test_bleed[x]", ["font_subsets", join]) == "join"
    # ... but not when the patches fail it without the join too: each of those must name it
    assert attribute.verdict("tests.test_pdf::test_bleed[x]", ["font_subsets", no_join, join]) == "UNEXPLAINED"
    assert attribute.verdict("tests.test_text::test_leader_content[solid-_]",
                             ["leaders", "font_subsets", no_join, join]) == "named"  # font_subsets: its join
    assert attribute.verdict("tests.test_text::test_leader_content[solid-_]", ["leaders", no_join]) == "named"
    assert attribute.verdict("tests.test_text::test_leader_content[solid-_]", ["font_subsets", no_join]) == \
        "UNEXPLAINED"  # without the join's failing too, font_subsets alone has no excuse
    assert attribute.verdict("tests.test_text::test_leader_content[solid-_]",
                             ["leaders", "margins", no_join]) == "UNEXPLAINED"
    assert attribute.verdict("tests.test_layout::test_page", ["margins"]) == "UNEXPLAINED"
    assert attribute.verdict("tests.test_layout::test_page", [no_join]) == "UNEXPLAINED"  # all together only


def test_the_leaders_patch_names_test_leader_content_and_no_other_patch_does():
    """The real docstrings (weasyprint_patches.module(name).__doc__): the leaders patch's four
    test_leader_content failures are a difference it names; the same failure from another patch is not."""
    from pipeline.emit.pdf.weasyprint_patches import PATCHES

    case = 'tests.test_text::test_leader_content[" .-"- .-]'
    assert attribute.verdict(case, ["leaders", attribute.ALL_NO_JOIN]) == "named"
    for name in PATCHES:
        if name != "leaders":
            assert attribute.verdict(case, [name, attribute.ALL_NO_JOIN]) == "UNEXPLAINED", name


def test_the_runs_are_each_patch_alone_all_without_the_join_and_the_join_alone():
    from pipeline.emit.pdf.weasyprint_patches import PATCHES

    runs = attribute.runs()
    assert list(runs) == [*PATCHES, attribute.ALL_NO_JOIN, attribute.JOIN]
    assert plugin.patch_names() == tuple(PATCHES)
    assert runs["leaders"]["PRESSROOM_ENGINE_PATCHES"] == "leaders"
    assert runs[attribute.JOIN] == {"PRESSROOM_ENGINE_PATCHES": "0", "PRESSROOM_ENGINE_JOIN": "1"}
    assert runs[attribute.ALL_NO_JOIN]["PRESSROOM_ENGINE_JOIN"] == "0"


CONFIGURE = """
from bench.engine import plugin
from weasyprint.document import Document
class Config: pass
config = Config()
plugin.pytest_configure(config)
print("|".join(config.pressroom_patches))
print("joined" if getattr(Document.write_pdf, "pressroom_join", False) else "as written")
"""


def _environ(**env: str) -> dict[str, str]:
    """This environment without the engine switches of whoever runs the tests, and `env`."""
    import os

    return {**{k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_ENGINE")}, **env}


def _configured(env: dict[str, str]) -> tuple[list[str], str]:
    """The plugin configured in a fresh interpreter (the patches change WeasyPrint for the whole
    process): the names it installed, and whether write_pdf is followed by the join's step."""
    proc = subprocess.run([sys.executable, "-c", CONFIGURE], capture_output=True, text=True, timeout=300,
                          env=_environ(**env))
    assert proc.returncode == 0, proc.stderr[-2000:]
    names, joined = proc.stdout.strip().splitlines()[-2:]
    return [n for n in names.split("|") if n], joined


@pytest.mark.parametrize("env, names, joined", [
    ({}, ["*", plugin.JOIN_NAME], "joined"),  # as a build: every patch, the join after write_pdf
    ({"PRESSROOM_ENGINE_PATCHES": "leaders"}, ["leaders"], "as written"),
    ({"PRESSROOM_ENGINE_PATCHES": "0", "PRESSROOM_ENGINE_JOIN": "1"}, [plugin.JOIN_NAME], "joined"),
    ({"PRESSROOM_ENGINE_PATCHES": "1", "PRESSROOM_ENGINE_JOIN": "0"}, ["*"], "as written"),
])
def test_the_plugin_installs_through_install_all_as_the_switch_says(env, names, joined):
    """The plugin installs what `weasyprint_patches.install_all()` installs in a layout worker (every
    patch of PATCHES on the pinned WeasyPrint, in order), PRESSROOM_ENGINE_PATCHES choosing them."""
    from pipeline.emit.pdf.weasyprint_patches import PATCHES

    expected = [n for name in names for n in (PATCHES if name == "*" else (name,))]
    assert _configured(env) == (expected, joined)


def test_the_plugin_writes_whole_pdfs_with_every_patch_installed(tmp_path):
    """In a fresh interpreter: every patch installs on the pinned WeasyPrint, and a PDF written then
    carries real font files, the font notes completed by the join's step (shared_fonts.share), its
    text extractable."""
    script = f"""
import io, pytest, pikepdf
from bench.engine import plugin
from pipeline.emit.pdf import shared_fonts
class Config: pass
config = Config()
plugin.pytest_configure(config)
print(config.pressroom_patches)
from weasyprint import HTML
data = HTML(string="<p>Pressroom 排版</p>").write_pdf()
fonts = 0
with pikepdf.open(io.BytesIO(data)) as pdf:
    for desc in shared_fonts._descriptors(pdf):
        font = desc.get("/FontFile2") or desc.get("/FontFile3")
        assert shared_fonts.MARK not in font.read_bytes()[:64], "a font note left in"
        fonts += 1
assert fonts, "no embedded font"
open({str(tmp_path / "out.pdf")!r}, "wb").write(data)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env=_environ())
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert plugin.JOIN_NAME in proc.stdout
    for name in ("png_images", "justify", "leaders", "font_subsets"):
        assert f"'{name}'" in proc.stdout
    text = subprocess.run(["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Pressroom" in text and "排版" in text


def test_a_test_missing_from_the_patched_report_is_unexplained_and_not_run_again(tmp_path, monkeypatch):
    """pytest given one node id it cannot find runs none: such a test is left out of the runs."""
    (tmp_path / "plain.xml").write_text(PLAIN)
    (tmp_path / "patched.xml").write_text(PATCHED)
    asked = []

    def run(folder, ids, env):
        asked.append(list(ids))
        return {"tests.test_pdf::test_links": ("failed", "") if env["PRESSROOM_ENGINE_PATCHES"] == "0"
                else ("passed", "")}

    monkeypatch.setattr(attribute, "run", run)
    code = attribute.main([str(tmp_path), str(tmp_path / "plain.xml"), str(tmp_path / "patched.xml")])
    assert asked and all(ids == ["tests.test_pdf::test_links"] for ids in asked)
    assert code == 1  # test_gone did not run patched: unexplained
    (tmp_path / "patched.xml").write_text(PATCHED.replace("</testsuite>", '<testcase classname="tests.test_text" '
                                                          'name="test_gone"/></testsuite>'))
    assert attribute.main([str(tmp_path), str(tmp_path / "plain.xml"), str(tmp_path / "patched.xml")]) == 0
