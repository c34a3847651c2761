"""Replacing one function of WeasyPrint with Pressroom's, and putting it back: what the
patches that change how WeasyPrint lays out (`leaders.py`, `margins.py`, `relayout.py`) share. Each keeps WeasyPrint's own function in its `state["original"]`.
"""
from __future__ import annotations

import importlib

from ....engine_versions import written_for


def replace(state: dict, module: str, name: str, replacement) -> bool:
    """`module.name` (a WeasyPrint module) replaced by `replacement`, once; False where WeasyPrint
    is not a version the patches were written for (nothing is replaced)."""
    if not written_for("weasyprint"):
        return False
    where = importlib.import_module(module)
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
