"""pdf_toc: the contents' page numbers stamped into the columns left for them read as the numbers
set in the layout did, page for page and entry for entry; where they cannot be stamped the front
matter is laid out again, with a wider column or with the numbers in it."""
from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup

from pipeline.build import build
from pipeline.emit.pdf import toc as pdf_toc
from test_pdf_stamps import _book  # three chapters of six sections: two-digit page numbers


def _contents(pdf) -> list[str]:
    """The contents page's lines as text, leaders shortened."""
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [re.sub(r"\.{3,}", " … ", line).split() and " ".join(re.sub(r"\.{3,}", " … ", line).split())
            for line in text.splitlines() if "..." in line]


def number_edges(pdf) -> dict[int, list[float]]:
    """The right edge (pt) of each contents entry's page number, by page: the last word of each
    line that has a leader (pdftotext -bbox, the pages before the main matter)."""
    from lxml import etree

    xml = subprocess.run(["pdftotext", "-f", "1", "-l", "8", "-bbox", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    edges: dict[int, list[float]] = {}
    for index, page in enumerate(root.iter("{*}page")):
        lines: dict[float, list] = {}
        for w in page.iter("{*}word"):
            lines.setdefault(round(float(w.get("yMax")), 1), []).append(w)
        for words in lines.values():
            words.sort(key=lambda w: float(w.get("xMin")))
            # a leader: one word of dots, or (WeasyPrint's own leaders, the patches off) a word per dot
            if "..." in "".join(w.text or "" for w in words) and re.fullmatch(r"\d+|[ivxlc]+", words[-1].text or ""):
                edges.setdefault(index, []).append(float(words[-1].get("xMax")))
    return edges


def assert_one_right_edge(pdf, entries: int) -> None:
    edges = number_edges(pdf)
    assert sum(len(e) for e in edges.values()) == entries, edges
    for page, right in edges.items():
        assert max(right) - min(right) <= 0.5, f"contents page {page + 1}: numbers end at {sorted(set(right))} pt"


def _openings(pdf) -> dict[str, int]:
    """The index of the page each chapter opens on: where its first section's heading is."""
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    out = {}
    for i, page in enumerate(pages):
        m = re.search(r"^Part (\d)\.0$", page, re.M)
        if m and "..." not in page:
            out.setdefault(m.group(1), i)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("toc")
    book = _book(tmp, "screen")
    return tmp, book, build(book, tmp / "out", ("pdf",), jobs=2)


def test_each_entry_reads_as_its_title_leader_and_page_number(built):
    tmp, book, result = built
    pdf = result.outputs[0]
    lines = _contents(pdf)
    chapters = [line for line in lines if line.startswith("Chapter")]
    assert len(chapters) == 3 and len(lines) == 3 * 7  # every entry, numbered
    assert all(re.fullmatch(r".+ … \d+", line) for line in lines)
    # a chapter's number is where it opens, counted from the main matter's first page
    numbers = {line.split()[1]: int(line.split()[-1]) for line in chapters}
    opens = _openings(pdf)
    assert numbers["0"] == 1 and all(opens[c] - opens["0"] + 1 == n for c, n in numbers.items())
    assert numbers["2"] >= 10  # two digits: stamped side by side
    assert not (tmp / "out" / ".cache" / "pdf" / "front").exists()  # stamped: laid out once
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "0123456789" not in text  # a stamp holds its own digit's text alone


def test_numbers_set_in_the_layout_read_the_same(built, tmp_path, monkeypatch):
    """Where the stamps cannot print them, the numbers are set in the front matter's layout."""
    _, book, stamped = built
    monkeypatch.setattr(pdf_toc, "plan", lambda *a: None)
    laid = build(book, tmp_path / "laid", ("pdf",), jobs=2)
    assert (tmp_path / "laid" / ".cache" / "pdf" / "front").is_dir()
    assert _contents(laid.outputs[0]) == _contents(stamped.outputs[0])
    assert_one_right_edge(laid.outputs[0], 3 * 7)


def test_the_numbers_of_chapters_and_sections_share_one_right_edge(built, default_book):
    """A chapter's entry (its number hung in the margin) ends where a section's does: WeasyPrint
    ends the leader of a line with a negative text-indent short by the indent (2em, 19 pt)."""
    assert_one_right_edge(built[2].outputs[0], 3 * 7)
    out, result = default_book  # a preface (unnumbered), a numbered chapter and its 4 sections, the
    # formulas appendix (unnumbered) and its 3 sections, the credits
    assert_one_right_edge(next(p for p in result.outputs if p.suffix == ".pdf"), 11)


def test_a_column_too_narrow_is_laid_out_again_wider(built, tmp_path, monkeypatch):
    _, book, stamped = built
    monkeypatch.setattr(pdf_toc, "digits_for", lambda size: 1)
    wider = build(book, tmp_path / "wider", ("pdf",), jobs=1)
    assert (tmp_path / "wider" / ".cache" / "pdf" / "front").is_dir()
    assert _contents(wider.outputs[0]) == _contents(stamped.outputs[0])


def test_samples_hold_each_kind_of_entry_once_per_digit():
    front = BeautifulSoup('<html><body><div class="frontmatter"><p>Title page</p><nav class="toc"><h1>Contents</h1>'
                          '<ol class="toc-list"><li class="toc-chapter"><a href="#a" data-page="">A</a>'
                          '<ol class="toc-sections"><li><a href="#a1">A.1</a></li><li><a href="#a2">A.2</a></li></ol></li>'
                          '<li class="toc-chapter"><a href="#b">B</a></li><li class="toc-back"><a href="#c">C</a></li>'
                          '</ol></nav></div></body></html>', "lxml")
    soup = BeautifulSoup(pdf_toc.samples(front), "lxml")
    assert soup.find("p") is None and soup.find("h1") is None  # the contents alone
    samples = soup.select("nav.toc a[data-sample]")
    assert len(samples) == 3 * 12  # chapter, section, back matter: ten digits, all ten, a dot
    assert not any(a.get("href") or a.get("data-page") is not None or a.get_text() for a in samples)
    sections = soup.select("li.toc-chapter > ol.toc-sections > li > a[data-sample]")
    assert sorted(a["data-sample"] for a in sections) == sorted([*pdf_toc.DIGITS, pdf_toc.DIGITS, "."])
    assert pdf_toc.samples(BeautifulSoup("<html><body><p>No contents</p></body></html>", "lxml")) is None


def _sampled(widths: dict[str, float]) -> dict:
    digits = {d: [0, 10.0, 20.0, w, 10.0, 24.0] for d, w in widths.items()}
    return {"height": 800.0, "digits": {"k": digits}}


def test_a_number_is_its_digits_side_by_side_ending_at_the_column_edge():
    widths = {d: 6.0 for d in pdf_toc.DIGITS} | {pdf_toc.DIGITS: 60.0, ".": 3.0}
    columns = {"height": 800.0, "entries": [[2, "#x", 400.0, 100.0, "k", 18.0, 2.5, (380.0, 3.0)]]}
    [(page, pieces)] = pdf_toc.plan(columns, _sampled(widths), {"x": "42"})
    assert page == 2
    lefts = [round(p[2] / 0.75 + 10.0, 3) for p in pieces]  # where each piece starts, CSS px
    # the leader's dot from 380 (another would not leave room for the space before 388), then the
    # digits right-aligned at the column's edge (400)
    assert lefts == [380.0, 388.0, 394.0]
    assert {round(p[3], 3) for p in pieces} == {round(-(100.0 - 20.0) * 0.75, 3)}  # on the entry's baseline
    assert all(p[1] == (5.0, 582.0, 15.5, 592.5) or p[1][0] < p[1][2] for p in pieces)
    kerned = widths | {pdf_toc.DIGITS: 59.0}
    assert pdf_toc.plan(columns, _sampled(kerned), {"x": "42"}) is None
    assert pdf_toc.plan(columns, _sampled(widths), {"x": "4242"}) is None  # wider than its column
    other = dict(columns, entries=[[2, "#x", 400.0, 100.0, "other", 18.0, 2.5, None]])
    assert pdf_toc.plan(other, _sampled(widths), {"x": "42"}) is None  # no sample in its style


def test_a_sample_whose_text_is_not_found_where_it_was_laid_out_is_dropped(built):
    """A stamp cut from a sample prints that sample's text alone (`only_text_at()`); a sample whose
    text is not drawn where the layout put it would print nothing, and is left out, so that its
    entries' numbers are set in the layout instead."""
    import json

    tmp, _, _ = built
    record = next(json.loads(p.read_text()) | {"pdf": p.with_suffix(".pdf")}
                  for p in (tmp / "out" / ".cache" / "pdf" / "parts").glob("*.json")
                  if json.loads(p.read_text())["id"] == "toc-digits")
    digits = record["toc"]["digits"]
    key = next(iter(digits))
    assert set(digits[key]) == {*pdf_toc.DIGITS, pdf_toc.DIGITS, "."}  # every sample found
    moved = {"height": record["toc"]["height"], "digits": {key: dict(digits[key])}}
    page, left, baseline, *rest = moved["digits"][key]["7"]
    moved["digits"][key]["7"] = [page, left + 40, baseline, *rest]
    assert set(pdf_toc.verified(moved, record["pdf"])["digits"][key]) == {*pdf_toc.DIGITS, pdf_toc.DIGITS, "."} - {"7"}
