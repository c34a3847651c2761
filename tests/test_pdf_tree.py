"""pdf_tree: the tree lxml gives WeasyPrint is the one tinyhtml5 (WeasyPrint's own parser) builds,
or the document is left to tinyhtml5."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import tinyhtml5

from pipeline.emit.pdf.weasyprint_patches import lxml_tree as pdf_tree


def html5(html: str) -> bytes:
    return ET.tostring(tinyhtml5.parse(html, namespace_html_elements=False))


def ours(html: str) -> bytes:
    return ET.tostring(pdf_tree.tree(html))


def test_every_document_of_the_default_books_pdf_gets_tinyhtml5s_tree(default_book):
    out, _ = default_book
    documents = sorted((out / ".cache" / "pdf").glob("*/*.html"))
    assert len(documents) >= 4  # the parts, the front matter, the furniture
    for path in documents:
        html = path.read_text(encoding="utf-8")
        assert ours(html) == html5(html), path.name


HANDLED = {
    "no head, white space around": "\n<html><body>\n<p>a</p>\n</body>\n</html>\n",
    "doctype, head": "<!DOCTYPE html>\n<html lang='zh'>\n<head><meta charset='utf-8'/><title>t</title></head>\n"
                     "<body><p>x &amp; y &lt; z</p></body></html>",
    "rows straight in a table": "<html><body><table>\n<tr><td>1</td></tr>\n<tr><td>2</td></tr>\n</table></body></html>",
    "rows after a head": "<html><body><table><thead><tr><th>h</th></tr></thead>\n<tr><td>1</td></tr></table></body></html>",
    "comment": "<html><body><!-- note --><p>a<!--b-->c</p></body></html>",
    "pre's first newline": "<html><body><pre>\nline one\n  line two</pre><pre>\n\nkept</pre></body></html>",
    "empty body": "<html><head></head><body></body></html>",
    "void elements": "<html><body><p>a<br/>b<img alt='' src='x.png'/></p><hr/></body></html>",
    "attributes": "<html><body><p data-x='1' class=\"a b\" hidden=''>t</p><a href='#x?a=1&amp;b=2'>l</a></body></html>",
    "style and script": "<html><head><style>p > a { color: red }</style></head><body><p>a</p>"
                        "<script>if (a < b && c) {}</script></body></html>",
    "CJK and entities": "<html><body><p>中文，“引号”&nbsp;<em>强调</em> &copy; &#x4e2d;</p></body></html>",
    "ruby": "<html><body><p><ruby>漢<rt>kan</rt>字<rt>ji</rt></ruby></p></body></html>",
    "nested lists": "<html><body><ul><li>a<ul><li>b</li></ul></li><li>c</li></ul><dl><dt>t</dt><dd>d</dd></dl></body></html>",
}
LEFT_TO_TINYHTML5 = {
    "svg": "<html><body><svg viewBox='0 0 1 1'><linearGradient id='g'/></svg></body></html>",
    "math": "<html><body><math><mi>x</mi></math></body></html>",
    "template": "<html><body><template><p>t</p></template></body></html>",
    "text in a table": "<html><body><table>loose<tr><td>1</td></tr></table></body></html>",
    "a div in a table": "<html><body><table><div>d</div><tr><td>1</td></tr></table></body></html>",
    "text after the body": "<html><body><p>a</p></body>tail</html>",
}


@pytest.mark.parametrize("name", sorted(HANDLED))
def test_documents_lxml_can_parse_as_html5_does(name):
    assert ours(HANDLED[name]) == html5(HANDLED[name])


@pytest.mark.parametrize("name", sorted(LEFT_TO_TINYHTML5))
def test_documents_html5_builds_differently_are_left_to_tinyhtml5(name):
    with pytest.raises(pdf_tree.Unusual):
        pdf_tree.tree(LEFT_TO_TINYHTML5[name])
    doc = pdf_tree.document(LEFT_TO_TINYHTML5[name], "file:///", None)
    assert ET.tostring(doc.etree_element) == html5(LEFT_TO_TINYHTML5[name])
