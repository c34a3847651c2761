"""The command line with bad input: one line naming file and line, exit code 2, no traceback,
and a failed build never replaces what is in build/."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, pressroom


def _book(tmp_path, toml: str | None, chapters: dict[str, bytes | str]):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    for name, text in chapters.items():
        data = text.encode("utf-8") if isinstance(text, str) else text
        (book / "chapters" / name).write_bytes(data)
    if toml is not None:
        (book / "book.toml").write_text(toml, encoding="utf-8")
    return book


GOOD = 'title = "T"\nlanguage = "en"\nauthors = ["A"]\n'


def assert_one_line_error(proc, *needles):
    assert proc.returncode == 2, proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("toml, needles", [
    ('title = "T"\nbogus = 1\n', ["book.toml:2", "unknown key 'bogus'", "allowed keys:", "authors"]),
    ('title = "T"\nauthors = "A"\n', ["book.toml:2", "'authors' must be a list of strings"]),
    ('title = "T\n', ["book.toml:1", "invalid TOML"]),
    ('subtitle = "no title"\n', ["book.toml", "missing required key 'title'"]),
    ('title = "T"\n[pdf]\nvariant = "glossy"\n', ["book.toml:3", "'variant' must be one of"]),
    ('title = "T"\n[clean]\nnope = true\n', ["book.toml:3", "unknown key [clean] 'nope'"]),
    ('title = "T"\nchapters = ["chapters/missing.md"]\n', ["book.toml:2", "chapter file not found: chapters/missing.md"]),
    ('title = "T"\nlanguage = "Chinese!"\n', ["book.toml:2", "BCP 47"]),
])
def test_config_errors(tmp_path, toml, needles):
    book = _book(tmp_path, toml, {"a.md": "# A\n\nText.\n"})
    assert_one_line_error(pressroom("build", "--format", "epub", "--source", book, "--out", tmp_path / "out"), *needles)


def test_invalid_utf8_names_file_and_line(tmp_path):
    book = _book(tmp_path, GOOD, {"a.md": "# 标题\n\n中文内容。\n\n".encode() + b"broken \xff\xfe here\n"})
    assert_one_line_error(pressroom("build", "--format", "epub", "--source", book, "--out", tmp_path / "o"),
                    "chapters/a.md:5", "invalid UTF-8")


def test_gbk_article_is_decoded(tmp_path):
    text = "# 标题\n\n这是一篇用 GBK 编码保存的中文文章，内容足够长，便于识别编码。机器学习工程师的日常工作。\n" * 3
    book = _book(tmp_path, GOOD.replace('"en"', '"zh-CN"'), {"a.md": text.encode("gbk")})
    proc = pressroom("build", "--format", "epub", "--source", book, "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr


def test_binary_markdown_is_refused(tmp_path):
    book = _book(tmp_path, GOOD, {"a.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)})
    assert_one_line_error(pressroom("build", "--format", "epub", "--source", book, "--out", tmp_path / "o"),
                    "chapters/a.md", "binary")


def test_latin1_article_is_decoded(tmp_path):
    text = "# Café\n\nUn café très crème, s'il vous plaît. Déjà vu à l'hôtel.\n" * 3
    book = _book(tmp_path, GOOD, {"a.md": text.encode("latin-1")})
    proc = pressroom("build", "--format", "epub", "--source", book, "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr


def test_folder_without_book_toml_builds_with_defaults_and_a_note(tmp_path):
    book = _book(tmp_path, None, {"b.md": "# 第二篇\n\n这是中文的第二篇文章。\n", "a.md": "# 第一篇\n\n这是中文的第一篇文章。\n"})
    proc = pressroom("build", "--format", "epub", "--source", book, "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr
    assert "no book.toml" in proc.stderr and "pressroom new" in proc.stderr
    assert (tmp_path / "o" / "book.epub").exists()


def test_pressroom_new_writes_a_book_toml(tmp_path):
    book = _book(tmp_path, None, {"a.md": "# A\n\nSome English text here.\n"})
    proc = pressroom("new", book)
    assert proc.returncode == 0, proc.stderr
    text = (book / "book.toml").read_text()
    assert 'language = "en"' in text and '"chapters/a.md"' in text
    proc = pressroom("build", "--format", "epub", "--source", book, "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr
    assert_one_line_error(pressroom("new", book), "already exists")


def test_missing_source_folder(tmp_path):
    """A folder that is not there is not an empty one: the first run of a newcomer with a typo."""
    proc = pressroom("build", "--source", tmp_path / "nope", "--out", tmp_path / "o")
    line = assert_one_line_error(proc, "source folder does not exist:", str(tmp_path / "nope"))
    assert "no chapters" not in line and proc.stderr.strip() == line and not (tmp_path / "o").exists()
    (tmp_path / "a-file.md").write_text("# T\n", encoding="utf-8")
    assert_one_line_error(pressroom("build", "--source", tmp_path / "a-file.md", "--out", tmp_path / "o"),
                          "source folder is a file, not a folder:")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(pressroom("build", "--source", tmp_path / "empty", "--out", tmp_path / "o"),
                          "no chapters found in")


def test_build_help_states_the_formats_and_the_default():
    proc = pressroom("build", "--help")
    assert proc.returncode == 0
    help_text = " ".join(proc.stdout.split())
    assert "--format {epub,pdf,all}" in help_text and "(default: all)" in help_text
    assert "epub, pdf (the screen edition), or all: every edition book.toml declares" in help_text
    assert "--edition {ebook,screen,print}" in help_text


def _fake_bootstrap(tmp_path, pip_fails: bool):
    """scripts/bootstrap.sh in a copy of the project, with stand-ins for dpkg, java and python3
    whose venv's pip prints what setuptools and pip print (and fails when asked)."""
    import shutil

    project, bin_dir = tmp_path / "project", tmp_path / "bin"
    (project / "scripts").mkdir(parents=True)
    bin_dir.mkdir()
    shutil.copy(ROOT / "scripts" / "bootstrap.sh", project / "scripts")
    shutil.copy(ROOT / "pyproject.toml", project)
    noise = ("echo 'Please be careful with folders in your working directory with the names of packages'; "
             "echo \"WARNING: Location 'file:///opt/wheels' is ignored: it is neither a file nor a directory.\" >&2; "
             + ("exit 1" if pip_fails else "exit 0"))
    venv_python = f"#!/bin/sh\n{noise}\n"
    stubs = {
        "dpkg": "#!/bin/sh\nexit 0\n",
        "java": "#!/bin/sh\nexit 0\n",
        "python3": ('#!/bin/sh\nmkdir -p .venv/bin\ncat > .venv/bin/python <<"EOF"\n' + venv_python
                    + 'EOF\nchmod +x .venv/bin/python\n'),
    }
    for name, text in stubs.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return subprocess.run(["bash", str(project / "scripts" / "bootstrap.sh")], capture_output=True, text=True,
                          env=env, timeout=60), project


def test_bootstrap_prints_no_installer_noise(tmp_path):
    proc, project = _fake_bootstrap(tmp_path, pip_fails=False)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    assert out.strip() == "bootstrap: installing Python packages into .venv"
    assert "Please be careful" not in out and "is ignored" not in out
    assert "Please be careful" in (project / ".venv" / "bootstrap-pip.log").read_text()
    assert (project / ".venv" / ".pressroom-installed").exists()


def test_bootstrap_shows_pips_output_when_pip_fails(tmp_path):
    proc, project = _fake_bootstrap(tmp_path, pip_fails=True)
    assert proc.returncode == 1
    assert "is ignored" in proc.stderr and "bootstrap: pip failed" in proc.stderr
    assert not (project / ".venv" / ".pressroom-installed").exists()


def test_failed_build_keeps_previous_output(tmp_path):
    book = _book(tmp_path, GOOD, {"a.md": "# A\n\nText.\n"})
    out = tmp_path / "o"
    assert pressroom("build", "--format", "epub", "--source", book, "--out", out).returncode == 0
    before = (out / "book.epub").read_bytes()
    (book / "book.toml").write_text(GOOD + "oops = 1\n")
    assert_one_line_error(pressroom("build", "--format", "epub", "--source", book, "--out", out))
    (book / "book.toml").write_text(GOOD)
    (book / "chapters" / "a.md").write_bytes(b"\x00\x01binary")
    assert_one_line_error(pressroom("build", "--format", "epub", "--source", book, "--out", out))
    assert (out / "book.epub").read_bytes() == before
    assert not list(out.glob(".*.part"))


def test_check_command_reports_one_line_per_file(default_book):
    out, result = default_book
    proc = pressroom("check", *result.outputs)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len([l for l in proc.stdout.splitlines() if l.startswith("ok")]) == 2


def test_check_fails_on_a_broken_file(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really")
    proc = pressroom("check", bad)
    assert proc.returncode == 1 and "FAIL" in proc.stdout


def test_ctrl_c_wrapped_by_python_is_still_an_interruption():
    """A Ctrl-C while a class is made (an import) reaches the build as a RuntimeError from
    `__set_name__`, caused by the KeyboardInterrupt: still an interruption (exit 130, one line)."""
    from pipeline.cli import _interrupted

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as e:
            raise RuntimeError("Error calling __set_name__") from e
    except RuntimeError as e:
        assert _interrupted(e)
    assert not _interrupted(RuntimeError("a bug"))


STOPPED_IN_EXEC = """
from pipeline import cli

def stopped(args):  # a Ctrl-C while a dataclass is made: its methods are made by exec() of a string
    exec("raise KeyboardInterrupt")

cli.cmd_build = stopped
cli.run()
"""


def test_ctrl_c_inside_a_string_exec_exits_130_under_python_m(tmp_path):
    """CPython marks a KeyboardInterrupt that ends a string exec() as never handled, and under
    `python -m` kills itself with SIGINT at exit (-2) though the build caught it: the build clears
    the mark, and exits 130 with its one line."""
    (tmp_path / "stopped_build.py").write_text(STOPPED_IN_EXEC, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    proc = subprocess.run([sys.executable, "-m", "stopped_build", "build"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (130, "error: interrupted; the previous build outputs are untouched\n")


def _burn(seconds: float) -> int:
    import time

    end, n = time.process_time() + seconds, 0
    while time.process_time() < end:
        n += 1
    return n


def test_the_cpu_of_the_pdf_workers_is_counted_when_pressroom_exits():
    """The PDF's workers are forked from a server (pipeline.pools: _context()); `pressroom` stops it and
    waits for it, so that their CPU time is counted in its own children's (`time`, `make bench`)."""
    import resource

    from pipeline.pools import stop_fork_server as _stop_fork_server
    from pipeline.emit.pdf.parts import Workers

    _stop_fork_server()  # this process's own, from the tests before
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_utime + usage.ru_stime
    with Workers(2) as workers:
        assert list(workers.map(_burn, [0.6, 0.6])) and workers._pool._mp_context.get_start_method() == "forkserver"
    workers.close()
    _stop_fork_server()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # each worker burned 0.6 s of its own process_time() (user + system); counted, the children's
    # user + system time holds all 1.2 s of it. Not counted (the server left running), it holds
    # none: a bound of half the burn tells the two apart on any machine, however loaded
    assert (after.ru_utime + after.ru_stime) - before > 0.6


def test_a_build_prints_no_engine_warnings(tmp_path):
    """A Chinese book with a formula and a print edition, laid out in the build's own process (the
    default book's case): once the formula was drawn, every WeasyPrint warning (print.css's
    `text-emphasis`, which it does not know) reached the terminal as `WARNING:weasyprint:…`
    (cli.quiet_root_logger()); and a spine too thin for text no longer gets CSS of a negative size."""
    book = _book(tmp_path, 'title = "T"\nlanguage = "zh-CN"\nauthors = ["A"]\n\n[editions.screen]\n\n'
                           '[editions.print]\ntrim = "6in 9in"\n',
                 {"a.md": "# 标题\n\n这是*强调*的文字，公式 $$x^2 + 1$$ 在这里。\n"})
    proc = pressroom("build", "--source", str(book), "--out", str(tmp_path / "out"), "--format", "all")
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in (tmp_path / "out").glob("*.pdf")} == {"book.pdf", "book-print.pdf", "book-cover.pdf"}
    assert "WARNING" not in proc.stderr and "weasyprint" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("template, needle", [
    ("<p>{% if %}</p>\n", "chapter.xhtml.j2:1: template error: Expected an expression"),
    ("<p>\n{{ nope.missing }}</p>\n", "chapter.xhtml.j2:2: template error: 'nope' is undefined"),
])
def test_a_broken_template_of_the_book_is_one_line_with_its_file_and_line(tmp_path, template, needle):
    """A book's own template (templates/, overriding Pressroom's) that Jinja cannot read or render:
    one error line naming the file and line, exit code 2, no traceback."""
    book = _book(tmp_path, GOOD, {"a.md": "# A\n\nText.\n"})
    (book / "templates").mkdir()
    (book / "templates" / "chapter.xhtml.j2").write_text(template, encoding="utf-8")
    proc = pressroom("build", "--source", str(book), "--out", str(tmp_path / "out"), "--format", "epub")
    assert_one_line_error(proc, needle, "templates/")
    assert not (tmp_path / "out" / "book.epub").exists()
