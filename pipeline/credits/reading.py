"""How the blocks around a figure read, for the images stage (`images/figure.py`) and the credits
(`block.py`, `captions.py`) alike: Chinese characters (`CJK`), the openings of a sentence of the
argument rather than a caption (`DISCOURSE`: 我们, Let, ...), and the block right after a node
(`next_block`). A leaf: it imports nothing of Pressroom's, so images/ and credits/ both read it
and neither reads the other back. Nothing here changes the tree.
"""
from __future__ import annotations

import re

from bs4 import NavigableString

DISCOURSE = re.compile(
    r"^(?:我们|我|你|您|让我们|但是|但|因为|所以|因此|现在|然后|如果|这里|这是|这些|这个|首先|接下来|然而|另外|此外|"
    r"总之|如上|如下|下面|上面|在这|大家|正如|可以|可能|当|虽然|由于|对于|"
    r"we\b|i\b|you\b|let|this\b|these\b|it\b|so\b|now\b|then\b|if\b|but\b|as\b|here\b|there\b|in this|"
    r"finally|however|next|first)", re.I)
CJK = re.compile(r"[\u3400-\u9fff]")


def next_block(node):
    sib = node.next_sibling
    while sib is not None and isinstance(sib, NavigableString):
        if sib.strip():
            return None
        sib = sib.next_sibling
    return sib
