"""Replacing one function of WeasyPrint 70 with Pressroom's, and putting it back: what the
patches that change how WeasyPrint lays out (`pdf_leaders.py`, `pdf_margins.py`,
`pdf_relayout.py`) share. Each keeps WeasyPrint's own function in its `state["original"]`.
"""
from __future__ import annotations

import importlib


def replace(state: dict, module: str, name: str, replacement) -> bool:
    """`module.name` (a WeasyPrint module) replaced by `replacement`, once; False where WeasyPrint
    is not version 70 or has no such function (nothing is replaced)."""
    try:
        import weasyprint

        where = importlib.import_module(module)
    except ImportError:
        return False
    if not weasyprint.__version__.startswith("70.") or not hasattr(where, name):
        return False
    if state["original"] is None:
        state["original"] = getattr(where, name)
        setattr(where, name, replacement)
    return True


def restore(state: dict, module: str, name: str) -> bool:
    """WeasyPrint's own `module.name` again (for a comparison); True if it had been replaced."""
    if state["original"] is None:
        return False
    setattr(importlib.import_module(module), name, state["original"])
    state["original"] = None
    return True
