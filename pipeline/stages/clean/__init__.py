"""Clean: publish the author's words and nothing the web left around them.

`run(chapter, ctx)` changes the chapter in place:

- provenance (the "原文：<url>" line, Medium's canonical link, author and date) moves from the
  body into `chapter.meta` (`original_url`, `author`, `date`);
- the first H1 becomes `meta["title"]` and an H2 right after it `meta["subtitle"]`; both leave the
  body, and the other headings are shifted so the outline starts at h2 with no skipped level;
- cruft leaves the body: Medium's export header and footer, affiliate lists, banners and
  disclosures, Medium link cards (turned into one "further reading" line, or dropped),
  "follow me / subscribe / clap" outros at the end, and the user's own `drop_patterns` and
  `drop_selectors`;
- links lose tracking parameters and unsafe schemes, relative Medium links become absolute,
  empty links go; `<script>` embeds become a link with a note;
- broken markup is repaired (runaway emphasis, Markdown bold inside code, unknown tags such as
  `<mdspan>` unwrapped and pseudo-tags such as `<pattern>` turned back into text, drop caps,
  section dividers as one kind of scene break, empty paragraphs);
- an article with no text left is marked `chapter.omitted` with a warning;
- last, the body is sanitized with an allowlist (nh3) so it is valid EPUB 3 content.

Every removal and change is logged as `clean.<rule>` with the text it removed, so
`pressroom build --explain` can list it. Each rule can be turned off by name in book.toml:
`[clean] disable = ["outro"]`.
"""
from __future__ import annotations

from ...typed_toml import key_line
from ...model import PressroomError
from . import (affiliate, code_paragraphs, dividers, embeds, empty, link_cards, link_ends, links, markup, medium_export,
               outline, outro, provenance, sanitize, title, user_drops)

RULES = [
    ("medium-export", medium_export.run),  # Medium export: header, footer, repeated title -> meta
    ("provenance", provenance.run),  # the source line -> meta.original_url
    ("markup", markup.run),  # unknown tags, pseudo-tags, runaway emphasis, bold in code, drop caps
    ("code-paragraphs", code_paragraphs.run),  # code a converter exported as hard-broken paragraphs
    ("title", title.run),  # first H1 -> meta.title, H2 after it -> meta.subtitle, "1.标题" spacing
    ("embeds", embeds.run),  # <script>/<iframe> embeds -> a link with a note
    ("link-cards", link_cards.run),  # Medium link cards -> one "further reading" line, or dropped
    ("link-ends", link_ends.run),  # `](url)` left as text: the link made again, or a nested link's outer brackets
    ("affiliate", affiliate.run),  # affiliate lists, banners, disclosures; affiliate links retargeted
    ("outro", outro.run),  # follow me / subscribe / clap at the end of the article
    ("user-drops", user_drops.run),  # [clean] drop_patterns and drop_selectors
    ("links", links.run),  # tracking parameters, relative Medium links, unsafe schemes, empty links
    ("dividers", dividers.run),  # hr, "* * *", Medium section dividers -> one scene break
    ("outline", outline.run),  # headings shifted so the outline starts at h2 without gaps
    ("empty", empty.run),  # empty paragraphs; an empty article is left out with a warning
    ("sanitize", sanitize.run),  # allowlist sanitizer: valid XHTML content for EPUB 3
]

RULE_NAMES = [name for name, _ in RULES]


def run(chapter, ctx) -> None:
    """Run the clean rules in order, skipping those named in `[clean] disable`."""
    disabled = {d.replace("_", "-") for d in ctx.config.clean.disable}
    unknown = sorted(disabled - set(RULE_NAMES))
    if unknown:
        toml = ctx.config.source_dir / "book.toml"
        raise PressroomError(f"[clean] disable: unknown rule {unknown[0]!r}; rules: {', '.join(RULE_NAMES)}",
                             str(toml), key_line(toml, "disable", "clean"))
    if chapter.body is None:
        return
    for name, rule in RULES:
        if name in disabled:
            continue
        rule(chapter, ctx)
