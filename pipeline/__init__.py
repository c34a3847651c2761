"""Pressroom: a folder of articles -> an EPUB 3 and a typeset PDF, through named stages."""
__version__ = "0.1.0"
