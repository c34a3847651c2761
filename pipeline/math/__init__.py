"""Formulas: LaTeX mended and converted to MathML (`tex.py`), author-written MathML kept through an
allowlist (`mathml.py`), and MathML drawn as SVG for the PDF (`svg.py`)."""
