"""The credit-line families, Chinese and English, as one ordered table of patterns.

Each pattern matches a whole (normalized) line and names its parts: `a` the creator, `s` the
platform or site, `t` a tool, `rest` what follows "来源：" / "Source:", `date`, `lic`. The first
pattern that matches and whose parts pass their checks wins (`parse.py` does the checks). Order
matters: the author's own image before "由 X 提供", tools before "A 在 S 上".
"""
from __future__ import annotations

import re

PIC = r"(?:照片|图片|图像|相片|图|插图|影像)"
SHOT = r"(?:拍摄|拍|提供|发布|分享)"
MAKE = r"(?:创建|生成|制作|绘制|制成|创作|设计|做)"
DATE = r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
EN_PIC = r"(?:photo|image|picture|pic|illustration|graphic|gif|artwork|figure|diagram|chart)s?"
SOURCE_WORDS = (r"(?:图片来源|图像来源|照片来源|图源|来源|资料来源|出处|鸣谢|致谢|信用|图片出处|图片提供|"
                r"image\s+source|image\s+credits?|photo\s+credits?|picture\s+credits?|credits?|sources?|"
                r"courtesy|image_credit|via)")

# (family, kind, pattern)
FAMILIES: list[tuple[str, str, str]] = [
    # --- adapted from a source, the author's image with its data source: before the author's own families
    ("zh-adapted", "source",
     rf"^(?:(?:{PIC})?(?:由)?作者|{PIC})?\s*(?:改编自|改编于|改自|修改自|引自|转载自)\s*(?P<a>.{{1,60}}?)"
     rf"(?:\s*(?:的|中的)?\s*(?:{PIC}|图表|截图))?$"),
    ("en-adapted", "source",
     rf"^(?:{EN_PIC}\s+(?:by\s+(?:the\s+)?author\s*,?\s*)?)?(?:adapted|modified|reproduced|redrawn)\s+from\s+(?P<a>.+?)$"),
    ("zh-author-data", "author",
     rf"^(?:{PIC}由)?作者(?:{PIC}|制图|绘制|制作)?\s*[，,]\s*(?:数据|资料)\s*(?:来自|来源\s*[:：]?|取自)\s*(?P<data>.{{1,40}})$"),
    ("zh-author-based-on", "author",
     rf"^(?:{PIC}由)?作者(?:根据|基于|使用|利用)\s*(?P<data>.{{1,40}}?)\s*(?:的)?(?:数据|资料)\s*(?:{MAKE}|绘制)(?:的\s*{PIC})?$"),
    ("en-author-data", "author",
     rf"^{EN_PIC}\s+by\s+(?:the\s+)?author\s*[,;]\s*(?:with\s+)?(?:data|source)\s*(?:from|:)\s*(?P<data>.+)$"),
    # --- the author's own image: handled first by parse.author_credit (token based); English here
    ("en-author", "author",
     rf"^(?:all\s+(?:other\s+)?)?(?:{EN_PIC}|screenshots?|images?)\s+(?:are\s+)?(?:by|from|courtesy\s+of|created\s+by|"
     rf"made\s+by|generated\s+by|drawn\s+by|taken\s+by)\s+(?:the\s+)?(?:author|authors|me|myself|writer)"
     rf"(?:\s*(?:,\s*(?:with|using|via|in|on|from|made\s+with|created\s+with)?|with|using|via|in|on|from|\|)"
     rf"\s*(?P<t>.+?))?$"),
    ("en-author", "author",
     r"^(?:source|credit|image\s+source|image\s+credit)s?\s*[:：\-–—]?\s*(?:the\s+)?(?:author|me|own\s+work|self[- ]made)$"),
    ("en-author", "author",
     r"^(?:(?:created|made|generated|drawn|screenshot|designed|taken)\s+by\s+(?:the\s+)?author|author'?s?\s+(?:own\s+)?"
     r"(?:image|photo|screenshot|illustration|work)|own\s+work|by\s+the\s+author)$"),
    # --- screenshots with dates
    ("zh-screenshot", "screenshot",
     rf"^(?:截图|屏幕截图)由\s*(?P<a>.+?)\s*(?:于\s*(?P<date>{DATE}))?\s*(?:拍摄|截取|提供|制作)?$"),
    ("zh-screenshot", "screenshot",
     rf"^(?:于\s*)?(?P<date>{DATE})\s*(?:拍摄|截取|截)的\s*(?P<w>.{{1,30}}?)\s*(?:的)?(?:截图|屏幕截图|快照)$"),
    ("zh-screenshot", "screenshot",
     r"^(?:截图|屏幕截图)\s*(?:来自|来源|取自|[:：])\s*(?P<s>.{1,40}?)(?:\s*(?:网站|网页|页面|官网|主页))?$"),
    ("zh-screenshot-from", "screenshot",
     r"^(?:来自|取自)\s*(?P<s>.{1,40}?)\s*(?:网站|网页|页面|官网|主页)?\s*的\s*(?:截图|屏幕截图)$"),
    ("en-screenshot-author", "screenshot", r"^screenshots?\s+(?:of\s+.{1,60}?\s+)?(?:by|from)\s+(?:the\s+)?author$"),
    ("en-screenshot", "screenshot",
     r"^screenshot\s+(?:by|from|of|taken\s+from)\s+(?P<a>.+?)(?:[,\s]+(?:taken\s+)?on\s+(?P<date>.+))?$"),
    # --- tools and AI
    ("zh-tool-by", "tool",
     rf"^由\s*(?P<a>.{{1,30}}?)\s*(?:在|用|使用|通过)\s*(?P<t>.{{1,30}}?)\s*(?:中|上|里)?\s*{MAKE}的\s*(?P<w>[^\s，,。.]{{0,10}})"
     rf"(?:\s*[。.]\s*(?P<perm>[^。]{{0,30}}(?:允许|许可|授权|permission)[^。]{{0,20}}))?$"),
    ("zh-tool", "tool",
     rf"^(?:由|用|使用|通过|利用|借助|以)\s*(?P<t>.{{1,30}}?)\s*{MAKE}的?\s*(?P<w>{PIC}|迷因|表情包|梗图|图表|图形|漫画|示意图|动图)?$"),
    ("zh-tool-bare", "tool", rf"^(?P<t>.{{1,30}}?)\s*{MAKE}的\s*(?P<w>{PIC}|迷因|表情包|梗图|图表)$"),
    ("en-ai-generated", "tool", rf"^(?P<t>[\w.\- ]{{1,30}}?)[\s-]+generated\s+{EN_PIC}$"),
    ("en-tool", "tool",
     rf"^(?:(?:{EN_PIC}|meme|screenshot)\s+)?(?:made|created|generated|drawn|designed|rendered|produced)\s+"
     rf"(?:with|using|by|in|on|via)\s+(?P<t>.+?)$"),
    # --- licence notes: A, licence, via Wikimedia Commons
    ("zh-licence", "licence",
     r"^(?:(?P<a>[^，,]{1,60}?)\s*[，,]\s*)?(?P<lic>公有领域|公共领域|CC[\s-]*BY[^，,]*|CC0[^，,]*|GFDL[^，,]*|知识共享[^，,]*)"
     r"\s*[，,]\s*(?:通过|经由|来自)\s*(?P<s>维基媒体共享|维基媒体|维基共享资源|Wikimedia Commons)\s*(?:资源)?$"),
    ("en-licence", "licence",
     r"^(?:(?:photo|image|picture)\s+by\s+)?(?:(?P<a>.{1,60}?)\s*,\s*)?(?P<lic>public\s+domain|CC[\s-]*BY[^,]*|CC0[^,]*|GFDL[^,]*)\s*,\s*via\s+(?P<s>.+)$"),
    # --- photo on a platform, all word orders
    ("zh-site-first", "photo", rf"^{PIC}由\s*(?P<s>.{{1,40}}?)\s*上的\s*(?P<a>.{{1,40}}?)\s*{SHOT}$"),
    ("zh-by-on", "photo", rf"^{PIC}由\s*(?P<a>.{{1,40}}?)\s*在\s*(?P<s>.{{1,40}}?)\s*(?:上)?\s*{SHOT}?$"),
    ("zh-a-on-s", "photo",
     rf"^(?:由\s*)?(?P<a>.{{1,40}}?)\s*(?:在|于)\s*(?P<s>.{{1,40}}?)\s*(?:上)?\s*{SHOT}?的\s*{PIC}$"),
    ("zh-on-s-a", "photo", rf"^在\s*(?P<s>.{{1,40}}?)\s*上\s*(?:由\s*)?(?P<a>.{{1,40}}?)\s*{SHOT}的\s*[^\s，,]{{0,6}}$"),
    ("zh-from-s-a", "photo",
     rf"^(?:{PIC})?(?:来自|来源[:：]?)\s*(?P<s>[^。，,！？!?]{{1,40}}?)\s*(?:上)?的\s*(?P<a>[^\s的。，,][^的。，,]{{0,39}})$"),
    ("zh-s-a-photo", "photo",
     rf"^(?P<s>[^。，,！？!?：:\s][^。，,！？!?：:]{{0,29}}?)\s*上\s*(?:由\s*)?(?!{SHOT}的)(?P<a>[^。，,！？!?]{{1,40}}?)\s*{SHOT}?的\s*{PIC}$"),
    ("zh-web", "source", rf"^(?:(?:{PIC})?(?:来源于|来源|来自|源自|取自)\s*[:：]?\s*(?P<a>网络|互联网)|(?P<b>网络|互联网)\s*{PIC})$"),
    ("zh-a-from-s", "photo", rf"^(?:{PIC}由\s*)?(?P<a>.{{1,40}}?)\s*来自\s*(?P<s>.{{1,40}})$"),
    ("zh-platform", "photo", rf"^{PIC}(?:由|来自)\s*(?P<s>.{{1,40}}?)\s*{SHOT}?$"),
    ("zh-from-platform", "source", rf"^来自\s*(?P<s>.{{1,40}}?)\s*的\s*{PIC}$"),
    ("zh-provided", "photo",
     rf"^{PIC}由\s*(?P<a>[^:：]{{1,40}}?)\s*(?:[(（][^)）]{{1,30}}[)）])?\s*{SHOT}\s*(?:[:：]\s*(?P<url>\S+))?$"),
    ("zh-from-paper", "source", rf"^(?:来自\s*)?(?P<a>.{{1,40}}?(?:论文|文章|书|报告|文档|博客))\s*中?的\s*{PIC}$"),
    ("zh-provided-what", "source", r"^由\s*(?P<a>.{1,30}?)\s*提供的\s*(?P<w>.{1,20})$"),
    ("en-credits-to", "source", r"^credits?\s+(?:to|goes\s+to)\s*:?\s*(?P<a>.+?)$"),
    ("en-made-by", "photo",
     r"^(?:illustrated|illustration|drawn|photographed|painted|sketched|shot|artwork)\s+by\s+(?P<a>.+?)"
     r"(?:\s+(?:on|from|via)\s+(?P<s>.+?))?$"),
    ("en-photo", "photo",
     rf"^(?:{EN_PIC}|photograph|video|meme)\s*(?:by|courtesy\s+of|credit\s*:)\s*(?P<a>.+?)"
     rf"(?:\s+(?:on|from|via|at|@)\s+(?P<s>.+?))?$"),
    ("en-from", "source",
     rf"^(?:{EN_PIC}|photograph|meme|screenshot)?\s*(?:taken\s+)?from\s+(?P<a>.+?)(?:\s+(?:from|on|via)\s+(?P<s>.+?))?$"),
    ("en-slash", "photo", rf"^(?:{EN_PIC}|photograph)\s*:\s*(?P<a>.+?)\s*/\s*(?P<s>.+)$"),
    # --- sources and acknowledgements
    ("source", "source", rf"^{SOURCE_WORDS}\s*(?:[:：]|—|–|-{{1,2}})\s*(?P<rest>.+)$"),
    ("source-bare", "source", rf"^{SOURCE_WORDS}\s*(?P<rest>https?://\S+)$"),
    ("source-alone", "source", r"^(?:来源|出处|source|sources|image\s+source|credit|link)$"),
    ("url", "source", r"^(?P<url>https?://\S+|(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|ai|gl|dev|edu|gov|co|uk|cn|me|info|de|fr|jp|app|so|xyz|tv)(?:/\S*)?)$"),
]

COMPILED = [(fam, kind, re.compile(p, re.I)) for fam, kind, p in FAMILIES]

# the author's own image, token based: what is left after removing these must be empty or a tool
AUTHOR_TOKENS = [
    "图片来源", "图像来源", "资料来源", "图源", "来源", "制图", "出处", "所有其他", "所有", "其他", "其余", "全部", "本文中的",
    "图片", "图像", "照片", "截图", "图表", "图形", "插图", "示意图", "图", "均为", "均", "都是", "由", "来自", "为",
    "本文", "作者", "自己", "本人", "通过", "使用", "利用", "用", "在", "提供", "创建了", "创建", "创作", "制作",
    "绘制", "拍摄", "生成", "截取", "自制", "制图", "借助", "采用", "的", "了", "中", "和", "及", "与", "上", "所",
]
AUTHOR_WORDS = ("作者", "自制", "本人")

# --- a credit inside a caption sentence, searched (not matched whole) in a caption-like line of a figure's
# caption block: the sentence stays as the caption, the credit is added (`由作者绘制的模型架构图`).
# (family, kind, pattern)
IN_SENTENCE: list[tuple[str, str, str]] = [
    ("zh-author-made", "author",
     rf"(?:由|经)?作者(?:自己|本人)?(?:亲自)?(?:{MAKE}|提供|拍摄|截取|整理)的[^，,。；;]{{0,14}}?"
     rf"(?:{PIC}|截图|图表|图形|示意图|插画|漫画|可视化)"),
    ("zh-picture-by-author", "author",
     rf"(?:上|下|左|右|本|此|该|这张|这幅)?{PIC}(?:均|都)?(?:由|为|是)作者(?:自己|本人)?(?:{MAKE}|提供|拍摄|截取|整理)"),
    ("zh-author-screenshot", "screenshot", r"作者(?:的)?(?:截图|屏幕截图)"),
    ("en-author-made", "author",
     rf"\b(?:{EN_PIC}|screenshots?|visuali[sz]ations?|drawings?|maps?|plots?)\b[^.]{{0,40}}?\b(?:created|made|drawn|"
     r"generated|designed|taken|photographed|provided)\s+by\s+(?:the\s+)?(?:author|me|myself)\b(?!\s+of)"),
    ("en-picture-by-author", "author", rf"\b(?:{EN_PIC}|screenshots?|photos?)\s+by\s+(?:the\s+)?author\b(?!\s+of)"),
    ("en-author-own", "author", r"\b(?:the\s+)?author'?s\s+own\s+(?:image|photo|screenshot|illustration|diagram|drawing)\b"),
]

# --- a note that credits every image of the article: it goes to the credits page under the article's
# name, never to one figure. Searched in a short paragraph (parse.article_note).
ARTICLE_NOTES: list[tuple[str, str, str]] = [
    ("zh-all-images-author", "author",
     rf"(?:所有|全部|一切|其余|其他)(?:的)?(?:{PIC}|截图|图表|图形|可视化|示意图)(?:和(?:{PIC}|图表|图形))?.{{0,16}}?"
     rf"(?:均|都|皆)?(?:是|为|由|来自|属于)?.{{0,4}}?(?:作者|本人|我自己)"),
    ("zh-author-all-images", "author",
     rf"(?:作者|本人|我)(?:自己)?.{{0,8}}?{MAKE}了?(?:本文|文中|文章)?(?:中的)?(?:所有|全部)(?:的)?(?:{PIC}|图表|图形|可视化)"),
    ("zh-all-images-tool", "tool",
     rf"(?:所有|全部|其余|其他)(?:的)?(?:{PIC}|插图|图表|图形)(?:均|都|皆)?(?:是|为)?(?:由|用|使用|通过|借助)\s*(?P<t>[^，,。]{{1,24}}?)"
     rf"\s*(?:{MAKE})"),
    ("en-all-images-tool", "tool",
     rf"\ball\s+(?:other\s+)?(?:{EN_PIC}|illustrations)\b.{{0,30}}?\b(?:generated|created|made|drawn)\s+(?:with|using|by|in)\s+"
     rf"(?P<t>[\w.·\- ]{{1,24}}?)(?:\s+unless\b|$)"),
    ("en-all-images-author", "author",
     rf"\ball\s+(?:other\s+)?(?:{EN_PIC}|screenshots|visuali[sz]ations|figures|photos)\b.{{0,40}}?\b(?:by|from|of|courtesy\s+of)"
     rf"\s+(?:the\s+)?(?:author|me|myself)\b"),
]

# --- caption-like paragraphs: what may join a figure's caption when its caption block holds a credit.
# A line joins only if it fits a shape: `marked` shapes (a position or a figure label, a short italic
# line) may stand before or after the credit line; the plain `short` shape only between the image and
# the credit (a short body sentence after a credit line is body text). Lengths in characters, CJK/other.
# (name, pattern, italic_only, max_cjk, max_other, after_credit)
CAPTION_SHAPES: list[tuple[str, str, bool, int, int, bool]] = [
    ("zh-position",
     r"^(?:左|右|上|下|中|左上|右上|左下|右下|左侧|右侧|左边|右边|上方|下方|顶部|底部|中间|左图|右图|上图|下图|中图|"
     r"左上图|右上图|左下图|右下图|第[一二三四五六七八九十\d]+(?:行|列|张|幅|排))\s*[:：]", False, 120, 240, True),
    ("zh-label", r"^(?:图|图表|表|插图|子图)\s*[\dA-Za-z一二三四五六七八九十]+(?:[.\-]\d+)*\s*[:：.。、]", False, 120, 240, True),
    ("zh-subfigure", r"^[(（][a-hA-H一二三四五六][)）]\s*\S", False, 80, 160, True),
    ("zh-position-paren", r"^[(（]\s*(?:左|右|上|下|中|左上|右上|左下|右下)(?:图|侧|边)?\s*[)）]\s*\S", False, 120, 240, True),
    ("en-position-paren", r"^[(（]\s*(?:left|right|top|bottom|middle|center|top[- ]left|top[- ]right|bottom[- ]left|"
     r"bottom[- ]right)\s*[)）]\s*\S", False, 120, 240, True),
    ("en-position",
     r"^(?:left|right|top|bottom|above|below|middle|center|centre|top[- ]left|top[- ]right|bottom[- ]left|"
     r"bottom[- ]right|upper|lower|(?:first|second|third)\s+(?:row|column|panel))\s*(?:image|figure|panel|plot)?\s*[:：]",
     False, 120, 240, True),
    ("en-label", r"^(?:figure|fig\.?|table|plate|exhibit)\s*\d+[a-z]?(?:\.\d+)*\s*[.:：—–-]", False, 120, 240, True),
    ("italic-line", r"^.+$", True, 60, 120, True),
    ("short", r"^.+$", False, 60, 120, False),
]
