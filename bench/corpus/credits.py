"""Credit lines left in a chapter's body (not in a figcaption, not on the credits page).

A block outside figures counts when its whole text (short, one sentence) is credit-shaped:
- anywhere: one of `SHAPES` below, written here, independent of the pipeline's families;
- next to an image or figure: also what the pipeline's own `parse_line` reads as a credit, or a
  short phrase naming a credit word (bench/credits_coverage.py `CANDIDATE`) that does not open
  like a sentence of the argument; and the last sentence of a paragraph, when it is a credit.
A blanket note (`除非另有说明，所有图片均由作者提供`, `All images by the author`) counts: it is a
credit the credits page can carry. A sentence of prose that names Unsplash is no credit: it is long, or opens like a sentence, or
has no credit shape.
"""
from __future__ import annotations

import re
import unicodedata

from bench.credits_coverage import CANDIDATE
from pipeline.credits.parse import parse_line

from .chapters import blocks, inside, near_image, text_of

MAX_CREDIT = 120  # characters
MAX_WEAK = 80  # a credit word alone counts only in a phrase this short, beside an image
SITES = r"(?:unsplash|pexels|pixabay|flickr|wikimedia(?:\s+commons)?|wikipedia|giphy|imgflip|shutterstock|getty\s*images|freepik|canva|reddit|twitter|github|kaggle|维基百科|维基媒体(?:共享)?)"
SHAPES = [re.compile(p, re.I) for p in (
    r"^(?:photos?|images?|pictures?|pics?|illustrations?|gifs?|graphics?|screenshots?|charts?|figures?|memes?|diagrams?)"
    r"\s+(?:by|from|via|courtesy\s+of|credits?|taken\s+by|created\s+by|made\s+by|generated\s+by|source)\b",
    rf"\bby\s+.{{1,50}}?\s+(?:on|from|via)\s+{SITES}$",
    r"^(?:(?:image|photo|picture)[\s_]*)?(?:sources?|credits?|courtesy)\s*[:：—–]",
    r"^(?:unless otherwise (?:noted|stated|specified|mentioned),?\s*)?all (?:the )?(?:images|figures|photos|pictures|charts|"
    r"visuals|visualizations|illustrations)\b.{0,40}\bby (?:the )?author",
    r"^(?:created|made|generated|drawn|designed)\s+(?:by|with|using|in)\s+\S",
    r"\b(?:by|from)\s+(?:the\s+)?author$",
    r"^(?:图片?|照片|图像|截图|插图|图表)?(?:来源|出处|鸣谢|图源|版权)\s*[:：]",
    r"^(?:来源|出处)\s*[:：]?\s*(?:作者|本人|自制)$",
    rf"^(?:由\s*)?.{{1,40}}?\s*(?:在|于)\s*{SITES}\s*上?\s*(?:由\s*.{{1,30}}?\s*)?(?:拍摄|发布|提供|分享)的?\s*(?:照片|图片|图像|相片|图)?$",
    rf"^在\s*{SITES}\s*上\s*(?:由\s*)?.{{1,40}}?\s*(?:拍摄|发布|提供)的?\s*(?:照片|图片|图像|相片|图)?$",
    r"^(?:照片|图片|图像|相片|插图|图)由.{1,40}?(?:拍摄|提供|创作|制作|生成|创建|绘制)$",
    r"^(?:图片?|照片|图像|截图|插图|图表)?由作者",
    r"^(?:除非另有(?:说明|注明|标注)[，,]\s*)?(?:(?:本文|本帖|文章|这篇文章)[^，,。]{0,8}?)?所有的?(?:图片|图像|图表|可视化|照片|插图)(?:均|都)?(?:由|为|是由)?"
    r"作者",
    r"^(?:作者|笔者)(?:的)?(?:截图|提供|制作|创作|绘制|自制)",
    r"(?:作者|笔者)(?:提供|制作|创作|截图|绘制)的\s*(?:图片|图像|照片|截图|图表|图)?$",
    r"^(?:截图|屏幕截图)(?:由|来自|来源|取自)",
    r"(?:由|用|使用|通过|借助)\s*.{1,30}?\s*(?:创建|生成|制作|绘制)的\s*(?:图片|图像|迷因|图表|图|表情包|梗图)$",
    r"(?:公有领域|公共领域|public\s+domain|CC[\s-]*BY[\w\s.-]*|CC0)\s*[,，]\s*(?:通过|via)\s*(?:维基媒体共享|wikimedia\s+commons)$",
)]
OPENS_LIKE_PROSE = re.compile(
    r"^(?:我们|我|你|您|他|她|它|这|那|让|但|因为|所以|如果|然而|当|虽然|可以|在这|首先|最后|"
    r"we\b|i\b|you\b|he\b|she\b|it\b|this\b|that\b|these\b|there\b|let\b|but\b|if\b|when\b|so\b|now\b|the\s+\w+\s+(?:is|are|was|were)\b)",
    re.I)
PROSE_WORDS = re.compile(r"\b(?:is|are|was|were|have|has|can|could|will|would|should|use|used|find|found|love|like)\b|"
                         r"是|有|可以|能|会|我们|你|我|非常|很", re.I)  # a credit names, it does not state
SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[a-z0-9)][.])\s+(?=[A-Z])")


def _clean(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"[\u200b-\u200f\ufeff]", "", t)
    t = " ".join(t.split())
    for _ in range(2):
        t = t.strip(" *_\"'“”").rstrip("。.;；").strip()
        if len(t) > 2 and t[0] in "(（[【" and t[-1] in ")）]】":
            t = t[1:-1].strip()
    return t


def one_sentence(text: str) -> bool:
    return len([s for s in SENTENCE_END.split(text) if s.strip()]) <= 1


def is_credit(text: str, links=(), beside_image: bool = False) -> bool:
    """Whether a whole line reads as an image credit."""
    t = _clean(text)
    if not t or len(t) > MAX_CREDIT or not one_sentence(t):
        return False
    if any(rx.search(t) for rx in SHAPES):
        return True
    if not beside_image or OPENS_LIKE_PROSE.match(t):
        return False
    if parse_line(t, list(links)) is not None:
        return True
    return (len(t) <= MAX_WEAK and bool(CANDIDATE.search(t)) and not re.search(r"[，,;；]", t)
            and not PROSE_WORDS.search(t))


def last_sentence(text: str) -> str:
    parts = [s for s in SENTENCE_END.split(" ".join(text.split())) if s.strip()]
    return parts[-1] if len(parts) > 1 else ""


def credit_lines(body) -> list[str]:
    """The credit lines standing in the body as blocks of their own (or ending a paragraph by an image)."""
    hits = []
    for block in blocks(body):
        if block.name == "figcaption" or inside(block, {"figure", "figcaption", "pre", "nav"}):
            continue
        text = text_of(block).strip()
        links = [(a.get_text(" ", strip=True), a.get("href", "")) for a in block.find_all("a")]
        beside = near_image(block)
        if is_credit(text, links, beside):
            hits.append(text)
        elif beside and len(text) <= 400:
            tail = last_sentence(text)
            if tail and is_credit(tail):
                hits.append(text)
    return hits
