"""Links in credit lines: tracking parameters removed; who is a creator, what is a platform.

`unsplash.com/@gwendal` is a creator's page on Unsplash, `unsplash.com` (or a photo page on it)
is the platform. Known platforms and tools have a canonical name and home page, so a credit that
names "Unsplash" without a link still links to it.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING = re.compile(r"^(utm_.*|source|ref|ref_src|fbclid|gclid|mc_[ce]id|sk|sh|si|igshid)$", re.I)

# canonical name, home page, names and domains that mean it
PLATFORMS = [
    ("Unsplash", "https://unsplash.com", ("unsplash", "unplash", "unsplash.com", "unplash.com")),
    ("Pexels", "https://www.pexels.com", ("pexels", "pexels.com")),
    ("Pixabay", "https://pixabay.com", ("pixabay", "pixabay.com")),
    ("Wikimedia Commons", "https://commons.wikimedia.org",
     ("wikimedia commons", "wikimedia", "commons.wikimedia.org", "维基媒体共享", "维基媒体", "维基共享资源",
      "维基共享", "维基媒体公共资源")),
    ("Wikipedia", "https://www.wikipedia.org", ("wikipedia", "维基百科")),
    ("imgflip", "https://imgflip.com", ("imgflip", "imgflip.com")),
    ("Flickr", "https://www.flickr.com", ("flickr", "flickr.com")),
    ("Freepik", "https://www.freepik.com", ("freepik", "freepik.com")),
    ("Shutterstock", "https://www.shutterstock.com", ("shutterstock", "shutterstock.com")),
    ("iStock", "https://www.istockphoto.com", ("istock", "istockphoto", "istockphoto.com")),
    ("Getty Images", "https://www.gettyimages.com", ("getty images", "gettyimages", "gettyimages.com")),
    ("Dreamstime", "https://www.dreamstime.com", ("dreamstime", "dreamstime.com")),
    ("Reddit", "https://www.reddit.com", ("reddit", "reddit.com")),
    ("GIPHY", "https://giphy.com", ("giphy", "giphy.com")),
    ("Canva", "https://www.canva.com", ("canva", "canva.com")),
    ("Memegenerator", "https://memegenerator.net", ("memegenerator", "memegenerator.net")),
]
TOOLS = [
    "Midjourney", "DALL-E 3", "DALL-E 2", "DALL-E", "DALL·E", "Dall-E", "DALLE", "Stable Diffusion", "ChatGPT",
    "GPT-4o", "GPT-4", "Gemini", "Imagen", "Firefly", "Leonardo", "Ideogram", "Flux", "Copilot", "Bing",
    "Canva", "Excalidraw", "draw.io", "diagrams.net", "Figma", "Lucidchart", "Miro", "Mermaid", "Napkin",
    "matplotlib", "seaborn", "Plotly", "Tableau", "Power BI", "wandb.ai", "Weights & Biases", "imgflip",
    "Astah UML", "Keynote", "PowerPoint", "Photoshop", "Carbon", "Manim", "Graphviz", "Inkscape", "GIMP", "AI",
]
_TOOL_KEYS: dict[str, str] = {}
for _t in TOOLS:
    _TOOL_KEYS.setdefault(re.sub(r"[\s·.\-]", "", _t.lower()), _t)


def clean_url(url: str) -> str:
    """The URL without tracking parameters (utm_*, source, ref, ...) and without a bare `?`."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)]
    return urlunsplit(parts._replace(query=urlencode(kept, doseq=True)))


def platform_by_name(name: str) -> tuple[str, str] | None:
    """(canonical name, home page) for a platform named or linked in a credit."""
    key = (name or "").strip().lower().strip("。.，, ()（）")
    key = re.sub(r"^https?://", "", key)
    key = re.sub(r"^www\.", "", key).split("/", 1)[0] if "." in key.split("/")[0] else key
    for canon, home, names in PLATFORMS:
        if key in names:
            return canon, home
    return None


def tool_by_name(name: str) -> str:
    """The canonical tool name, or ''."""
    return _TOOL_KEYS.get(re.sub(r"[\s·.\-]", "", (name or "").lower()), "")


def host(url: str) -> str:
    try:
        h = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return h[4:] if h.startswith("www.") else h


def platform_of_url(url: str) -> tuple[str, str] | None:
    h = host(url)
    for canon, home, names in PLATFORMS:
        if any(h == n or h.endswith("." + n) for n in names if "." in n):
            return canon, home
    return None


def is_creator_url(url: str) -> bool:
    """A person's page on a platform: unsplash.com/@x, pexels.com/@x, pixabay.com/users/x, ..."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    path = parts.path
    h = host(url)
    if re.match(r"^/@[^/]+/?$", path):
        return True
    if h.endswith("pixabay.com") and path.startswith("/users/"):
        return True
    if h.endswith("flickr.com") and re.match(r"^/(photos|people)/[^/]+/?$", path):
        return True
    if h in ("twitter.com", "x.com", "github.com", "instagram.com", "linkedin.com") and path.strip("/"):
        return True
    return False


def looks_like_url(text: str) -> bool:
    t = re.sub(r"\s+", "", text or "")
    return bool(re.match(r"^(https?://)?([\w-]+\.)+[a-z]{2,}(/\S*)?$", t, re.I | re.ASCII))


def url_from_text(text: str) -> str:
    """A URL written in text, with the spaces a translator put into it removed."""
    t = re.sub(r"\s+", "", text or "").rstrip("。.，,)）")
    if not t:
        return ""
    return t if re.match(r"^https?://", t, re.I) else "https://" + t
