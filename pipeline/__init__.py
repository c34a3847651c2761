"""Pressroom: a folder of articles -> an EPUB 3 and a typeset PDF, through named stages."""
from .deferred import defer

__version__ = "0.1.0"

defer("soupsieve", "charset_normalizer")
