"""Store-ready EPUBs: the ISBN, series and subjects of book.toml in the package document (and
EPUBCheck 0/0 with them), `pressroom check --store` on the default book and on a book whose cover
is too small, the rules' data file, and the release's store gate. Each book is built once."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, pressroom
from pipeline.cli import main
from pipeline.model import PressroomError

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
LINE = re.compile(r"^(kdp|apple|kobo|google) [a-z0-9-]+ (error|warning|info): .+ \(.+, https?://\S+( ?; not re-checked)?\)$")


@pytest.fixture(scope="module")
def default_epub(tmp_path_factory) -> Path:
    from pipeline.build import build

    result = build(ROOT / "source", tmp_path_factory.mktemp("store-default"), ("epub",), jobs=1)
    return next(p for p in result.outputs if p.suffix == ".epub")


@pytest.fixture(scope="module")
def store_source(tmp_path_factory) -> Path:
    """A book with an ISBN-10 (kept as ISBN-13), a series, two subjects and a 300 x 480 px cover."""
    from PIL import Image

    src = tmp_path_factory.mktemp("store-book")
    (src / "chapters").mkdir()
    (src / "img").mkdir()
    (src / "book.toml").write_text(
        'title = "A Small Book"\nauthors = ["Ann Author"]\nlanguage = "en"\n'
        'description = "A small book made to see what the stores would say of its EPUB."\n'
        'isbn = "0-306-40615-2"\nseries = "Field Notes"\nseries_index = 2\n'
        'subjects = ["COM004000", "Machine learning"]\nstores = ["kdp"]\ncover = "img/cover.png"\n', encoding="utf-8")
    (src / "chapters" / "01.md").write_text("# One\n\nThe first chapter's text.\n", encoding="utf-8")
    Image.new("RGB", (300, 480), (30, 90, 140)).save(src / "img" / "cover.png")
    return src


@pytest.fixture(scope="module")
def store_book(store_source, tmp_path_factory) -> Path:
    from pipeline.build import build

    result = build(store_source, tmp_path_factory.mktemp("store-book-out"), ("epub",), jobs=1)
    return next(p for p in result.outputs if p.suffix == ".epub")


@pytest.fixture(scope="module")
def store_epubcheck(store_book):
    from pipeline.check.epub import run_epubcheck

    return run_epubcheck(store_book)


def _opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def _run(capsys, *args) -> tuple[int, list[str], str]:
    code = main(["check", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def test_isbn_series_and_subjects_in_the_package(store_book):
    opf = _opf(store_book)
    meta = opf.find("opf:metadata", NS)
    unique = meta.find(f"dc:identifier[@id='{opf.get('unique-identifier')}']", NS)
    assert unique.text == "urn:isbn:9780306406157"  # the ISBN-10 of book.toml, as ISBN-13
    assert meta.xpath("string(opf:meta[@refines=$r][@property='identifier-type'])", namespaces=NS,
                      r=f"#{unique.get('id')}") == "15"  # ONIX code list 5: ISBN-13
    others = [e.text for e in meta.findall("dc:identifier", NS) if e is not unique]
    assert len(others) == 1 and others[0].startswith("urn:uuid:")  # the URN of before stays
    assert [e.text for e in meta.findall("dc:subject", NS)] == ["COM004000", "Machine learning"]
    series = meta.find("opf:meta[@property='belongs-to-collection']", NS)
    assert series.text == "Field Notes"
    refines = {e.get("property"): e.text for e in meta.findall(f"opf:meta[@refines='#{series.get('id')}']", NS)}
    assert refines == {"collection-type": "series", "group-position": "2"}
    with zipfile.ZipFile(store_book) as z:
        ncx = etree.fromstring(z.read("EPUB/toc.ncx"))
        copyright_page = z.read("EPUB/copyright.xhtml").decode()
    assert ncx.xpath("string(//ncx:meta[@name='dtb:uid']/@content)", namespaces=NS) == "urn:isbn:9780306406157"
    assert "ISBN 978-0-306-40615-7" in copyright_page


def test_book_with_isbn_series_and_subjects_passes_epubcheck(store_epubcheck):
    assert store_epubcheck.ok, store_epubcheck.problems
    assert store_epubcheck.summary.endswith("0 fatals, 0 errors, 0 warnings")


def test_check_store_kdp_on_the_default_book(default_epub, capsys):
    code, lines, _ = _run(capsys, "--store", "kdp", default_epub)
    *findings, summary = lines
    assert findings and all(LINE.match(f) for f in findings), lines
    assert summary.startswith("kdp (Amazon Kindle Direct Publishing): no refusal found: 0 errors,")
    assert summary.endswith(f"rules on {default_epub}")
    assert code == 0
    ids = {f.split()[1] for f in findings}
    # the drawn cover is KDP's ideal 1600 x 2560 and the default book names its subjects: what is
    # left is the note that Amazon gives an ASIN where there is no ISBN
    assert ids == {"isbn"}, ids
    assert "0 warnings" in summary


def test_tiny_cover_fails_the_cover_size_rule(store_book, capsys):
    code, lines, _ = _run(capsys, "--store", "kdp", store_book)
    assert code == 1
    error = next(line for line in lines if line.startswith("kdp cover-min-size error:"))
    assert "the cover (cover.png) is 300 x 480 px; KDP's minimum cover is 625 x 1000 px" in error
    assert lines[-1].startswith("kdp (Amazon Kindle Direct Publishing): would be refused: 1 error,")
    assert not any(line.split()[1] in ("subjects", "isbn", "description") for line in lines[:-1])  # it has them


def test_release_gate_names_store_and_rule(store_book, store_epubcheck, capsys):
    from pipeline.release import store_gate

    with pytest.raises(PressroomError) as e:
        store_gate(["kobo", "kdp"], store_book, store_epubcheck)
    assert str(e.value).startswith("release refused: store kdp rule cover-min-size: the cover (cover.png) is 300 x 480 px")
    reports = store_gate(["kobo"], store_book, store_epubcheck)  # Kobo names no cover size: a release passes
    assert [r.store for r in reports] == ["kobo"] and reports[0].ok
    assert capsys.readouterr().out.splitlines()[-1].startswith("kobo (Kobo): no refusal found")


def test_release_refused_by_a_store_error(store_source, tmp_path):
    """`pressroom release` of the book with the tiny cover and `stores = ["kdp"]`: EPUBCheck and the
    PDF checks pass, KDP's cover size refuses it in one line, and no release is written."""
    out = tmp_path / "out"
    proc = pressroom("release", "--source", store_source, "--out", out, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(
        "error: release refused: store kdp rule cover-min-size: the cover (cover.png) is 300 x 480 px")
    assert "kdp cover-min-size error:" in proc.stdout and not (out / "release").exists()


def test_release_keeps_store_warnings_in_the_report(tmp_path):
    """A book with no subjects is released; KDP's warning is printed and kept in build-report.json
    (the drawn cover, 1600 x 2560, is KDP's ideal)."""
    import json

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text('title = "Released"\nlanguage = "en"\nauthors = ["A"]\nstores = ["kdp"]\n'
                                    'description = "A book."\n', encoding="utf-8")
    (book / "chapters" / "a.md").write_text("# One\n\nSome text to publish.\n", encoding="utf-8")
    proc = pressroom("release", "--source", book, "--out", tmp_path / "out", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "out" / "release" / "build-report.json").read_text(encoding="utf-8"))
    kdp = report["stores"]["kdp"]
    assert kdp["summary"].startswith("kdp (Amazon Kindle Direct Publishing): no refusal found: 0 errors, 1 warning")
    assert [f.split()[1] for f in kdp["findings"]] == ["subjects", "isbn"]
    assert all(f in proc.stdout for f in kdp["findings"])


def test_foreign_epub_bad_isbn_and_scripts(store_book, tmp_path, capsys):
    """An EPUB Pressroom did not make: a wrong ISBN check digit (Google refuses it) and a script
    (KDP strips it, Kobo's eInk readers ignore it)."""
    mutated = tmp_path / "other.epub"
    with zipfile.ZipFile(store_book) as zin, zipfile.ZipFile(mutated, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "EPUB/content.opf":
                data = data.replace(b"urn:isbn:9780306406157", b"urn:isbn:9780306406158")
            elif info.filename == "EPUB/ch001.xhtml":
                data = data.replace(b"</body>", b"<script>document.title = 'x';</script></body>")
            zout.writestr(info, data)
    code, lines, _ = _run(capsys, "--store", "google", "--store", "kdp", mutated)
    assert code == 1
    assert any(line.startswith("google isbn-check-digit error: dc:identifier 'urn:isbn:9780306406158' has a wrong "
                               "check digit: it ends in '8', the digits before it call for '7'") for line in lines)
    assert any(line.startswith("kdp scripts warning: 1 files with scripts: EPUB/ch001.xhtml") for line in lines)


def test_unknown_store_lists_the_known_ones(default_epub, capsys):
    code, _, err = _run(capsys, "--store", "nook", default_epub)
    assert code == 2 and err.strip() == "error: unknown store 'nook'; known stores: kdp, apple, kobo, google"


def test_rules_data_file_names_a_source_for_each_rule():
    from pipeline.check import store
    from pipeline.config import KNOWN_STORES

    assert tuple(store.stores()) == KNOWN_STORES  # book.toml's `stores` and the data file agree
    for name in KNOWN_STORES:
        chosen = store.rules(name)
        assert chosen and len({r.id for r in chosen}) == len(chosen)
        for rule in chosen:
            assert rule.source.startswith(("https://", "http://")) and rule.source_title, rule
            assert rule.level in store.LEVELS and rule.check in store.CHECKS and rule.says, rule


def test_rules_data_file_is_checked_as_it_loads(tmp_path):
    """A rule naming a check that does not exist, or lacking its source, stops with the file named."""
    from pipeline.check import store

    caches = (store._data, store._all_rules, store.rules, store.stores)
    text = store.RULES_FILE.read_text(encoding="utf-8")
    for broken, says in ((text.replace('check = "cover-min"', 'check = "cover-minimum"', 1), "check one of"),
                         (text.replace('source_title = "KDP Help: Cover Image Guidelines"\n', "", 1), "lacks source_title")):
        (tmp_path / "stores.toml").write_text(broken, encoding="utf-8")
        original = store.RULES_FILE
        store.RULES_FILE = tmp_path / "stores.toml"
        try:
            for c in caches:
                c.cache_clear()
            with pytest.raises(PressroomError) as e:
                store.rules("kdp")
            assert says in str(e.value) and "stores.toml" in str(e.value)
        finally:
            store.RULES_FILE = original
            for c in caches:
                c.cache_clear()
