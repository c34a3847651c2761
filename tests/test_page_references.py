"""pipeline/emit/pdf/weasyprint_patches/page_references.py: pydyf's page references listed once a
document (while its page tree stays as it is), the same references, the same tagged PDF."""
import pydyf
import pytest

from pipeline.emit.pdf.weasyprint_patches import page_references

HTML = ("<html lang='en'><body>" + "".join(f"<h2>Part {i}</h2><p>{'Some words to tag. ' * 40}</p>"
                                           "<ul><li>one</li><li>two</li></ul><p><a href='#x'>a link</a></p>"
                                           for i in range(12)) + "<p id='x'>end</p></body></html>")


@pytest.fixture
def patched():
    assert page_references.install(), f"pydyf {pydyf.__version__}: not a version in engine_versions.SUPPORTED (pinned?)"
    yield
    page_references.uninstall()


def _pdf_with_pages(count: int) -> pydyf.PDF:
    pdf = pydyf.PDF()
    for _ in range(count):
        page = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_object(page)
        pdf.add_page(page)
    return pdf


def test_the_references_are_pydyfs_and_made_again_when_a_page_is_added(patched):
    pdf = _pdf_with_pages(3)
    first = pdf.page_references
    assert pdf.page_references is first  # kept
    page_references.uninstall()
    assert pdf.page_references == first and pdf.page_references is not pdf.page_references  # pydyf's own
    assert page_references.install()
    page = pydyf.Dictionary({"Type": "/Page"})
    pdf.add_object(page)
    pdf.add_page(page)
    assert len(pdf.page_references) == 4 and pdf.page_references[:3] == first
    assert pdf.page_references[3] == f"{page.number} 0 R".encode("ascii")


def test_a_tagged_pdf_is_the_same_bytes_with_and_without_it():
    from weasyprint import HTML as Document

    def written() -> bytes:
        return Document(string=HTML).write_pdf(pdf_tags=True, pdf_identifier=b"same", uncompressed_pdf=True)

    page_references.uninstall()
    plain = written()
    assert page_references.install()
    try:
        assert written() == plain
    finally:
        page_references.uninstall()
    assert plain.count(b"/StructElem") > 50 and plain.count(b"/Type /Page/") >= 2  # tags on several pages
