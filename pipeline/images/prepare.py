"""Prepare a checked image for one output format (placeholder: passes the asset through)."""
from __future__ import annotations

from ..model import Asset


def for_epub(asset: Asset, opts) -> Asset:
    """An EPUB core media type, long side capped at opts.max_side, no metadata."""
    return asset


def for_print(asset: Asset, opts, width_in: float) -> Asset:
    """Enough pixels for opts.print_dpi at `width_in` inches, and no more."""
    return asset
