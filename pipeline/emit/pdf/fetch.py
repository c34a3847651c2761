"""Step 1 (with `print_html.py`): takes the folders a document may read; gives the URL fetcher of the PDF's layout: WeasyPrint reads the book's own prepared files and the
templates' stylesheets and nothing else, so a hostile article or template cannot reach the network
or the disk. Kept apart from `emit/pdf/__init__.py`, which the build's main process imports: only the layout
workers import WeasyPrint."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from . import engine_libraries  # noqa: F401 - WeasyPrint's libraries by their sonames, before its import
from weasyprint.urls import URLFetcher  # noqa: E402

TEMPLATES_URL = "file:///pressroom-templates/"  # the same for the stylesheets' own files (wrap-mark.svg)
BOOK_URL = "file:///pressroom-book/"  # the prepared folder's URL: WeasyPrint names images by a hash of it


class BookFetcher(URLFetcher):
    """Fetch `file:` URLs inside the allowed folders; refuse everything else, and note it."""

    def __init__(self, roots: list[Path], refused: list[str]):
        super().__init__(timeout=5, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]
        self.refused = refused

    def fetch(self, url, headers=None):
        url = self.roots[0].as_uri() + "/" + url[len(BOOK_URL):] if url.startswith(BOOK_URL) else url
        if url.startswith(TEMPLATES_URL):  # a stylesheet's own files: the template search path, in order
            rel = unquote(url[len(TEMPLATES_URL):])
            found = [r / rel for r in self.roots[1:] if (r / rel).is_file()]
            url = found[0].as_uri() if found else url
        if url.startswith("data:image/svg+xml;"):  # a formula drawn by print_formulas.draw(): bytes in the URL
            return super().fetch(url, headers)
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(r) for r in self.roots) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url[:100]}: only the book's own files are used")
