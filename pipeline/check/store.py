"""`pressroom check --store NAME`: what a store (kdp, apple, kobo, google) would refuse or warn
about in a built EPUB. The rules are data, `stores.toml` beside this module: each names its store,
an id, a level, its limits and the store's page it comes from; each rule's `check` is one function
of `CHECKS` below, which looks at the EPUB (`package.read_package()`) and says what it found when
the rule is not met. `check_store()` gives a `StoreReport`: one `Finding` a line
(`store rule level: message (source)`), a summary line, and `ok` unless an error-level rule failed.
"""
from __future__ import annotations

import io
import posixpath
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Callable

from lxml import etree

from ..isbn import normalise
from ..model import PressroomError
from .package import PARSER, Item, Package, read_package
from .result import CheckResult

RULES_FILE = Path(__file__).with_name("stores.toml")
LEVELS = ("error", "warning", "info")
RULE_KEYS = {"store", "id", "check", "level", "says", "source", "source_title", "verified"}


@dataclass(frozen=True)
class Rule:
    store: str
    id: str
    check: str
    level: str
    says: str
    source: str
    source_title: str
    verified: bool
    limits: dict = field(default_factory=dict)  # the rule's own figures: width, max_bytes, ...


@dataclass
class Finding:
    store: str
    rule: str
    level: str
    message: str
    source_title: str
    source: str
    verified: bool

    def line(self) -> str:
        unsure = "; not re-checked" if not self.verified else ""
        return f"{self.store} {self.rule} {self.level}: {self.message} ({self.source_title}, {self.source}{unsure})"


@dataclass
class StoreReport:
    path: Path
    store: str
    name: str
    rules: int
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    def summary(self) -> str:
        count = {lvl: sum(1 for f in self.findings if f.level == lvl) for lvl in LEVELS}
        verdict = "would be refused" if count["error"] else "no refusal found"
        said = ", ".join(f"{n} {word}{'' if n == 1 else 's'}"
                         for n, word in zip(count.values(), ("error", "warning", "note")))
        return f"{self.store} ({self.name}): {verdict}: {said} from {self.rules} rules on {self.path}"


# ------------------------------------------------------------------ the rules, as data
@cache
def stores() -> dict[str, str]:
    """Store name -> the store's full name, from stores.toml."""
    return dict(_data()["stores"])


@cache
def rules(store: str) -> tuple[Rule, ...]:
    if store not in stores():
        raise PressroomError(f"unknown store {store!r}; known stores: {', '.join(stores())}")
    return tuple(r for r in _all_rules() if r.store == store)


@cache
def _data() -> dict:
    return tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))


@cache
def _all_rules() -> tuple[Rule, ...]:
    out = []
    for n, entry in enumerate(_data().get("rule", []), 1):
        missing = RULE_KEYS - entry.keys()
        where = f"rule {n} ({entry.get('store', '?')} {entry.get('id', '?')})"
        if missing:
            raise PressroomError(f"{where} lacks {', '.join(sorted(missing))}", str(RULES_FILE))
        if entry["level"] not in LEVELS or entry["check"] not in CHECKS or entry["store"] not in _data()["stores"]:
            raise PressroomError(f"{where}: level must be one of {', '.join(LEVELS)}, check one of "
                                 f"{', '.join(CHECKS)}, store one of [stores]", str(RULES_FILE))
        out.append(Rule(**{k: entry[k] for k in RULE_KEYS},
                        limits={k: v for k, v in entry.items() if k not in RULE_KEYS}))
    return tuple(out)


# ------------------------------------------------------------------ what the checks look at
class Look:
    """The EPUB and what the checks measure of it, each measured once."""

    def __init__(self, package: Package, epubcheck: CheckResult | None = None):
        self.package = package
        self._epubcheck = epubcheck

    @cached_property
    def cover_size(self) -> tuple[int, int] | None:
        """The cover's pixels (width, height); None for an SVG cover or none."""
        cover = self.package.cover
        return self.image_size(cover) if cover is not None else None

    def image_size(self, item: Item) -> tuple[int, int] | None:
        if item.media_type == "image/svg+xml":
            return None
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(self.package.read(item))) as img:
                return img.size
        except (UnidentifiedImageError, OSError):
            return None

    @cached_property
    def pages(self) -> dict[str, etree._Element]:
        out = {}
        for item in self.package.pages():
            try:
                out[item.path] = etree.fromstring(self.package.read(item), PARSER)
            except (etree.XMLSyntaxError, KeyError):
                continue
        return out

    @cached_property
    def epubcheck(self) -> CheckResult:
        if self._epubcheck is None:
            from .epub import run_epubcheck

            self._epubcheck = run_epubcheck(self.package.path)
        return self._epubcheck

    @cached_property
    def isbns(self) -> list[tuple[str, str]]:
        """Each dc:identifier that is meant as an ISBN, with "" when it is valid or why not."""
        out = []
        for value in self.package.metadata["identifier"]:
            bare = re.sub(r"(?i)^(urn:isbn:|isbn:?)", "", value.strip())
            if bare == value.strip() and not re.fullmatch(r"[\d\s-]{9,17}[\dXx]", value.strip()):
                continue  # a URN, a UUID: not an ISBN
            try:
                normalise(value)
                out.append((value, ""))
            except ValueError as e:
                out.append((value, str(e)))
        return out


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _size(look: Look) -> str:
    w, h = look.cover_size
    return f"the cover ({look.package.cover.path.rsplit('/', 1)[-1]}) is {w} x {h} px"


def _cover_measure(look: Look) -> str | None:
    """Why the cover cannot be measured ("" when it can; None when there is no cover)."""
    if look.package.cover is None:
        return None  # `cover-present` says so where a store requires a cover
    return "" if look.cover_size else f"the cover ({look.package.cover.path}) is not a raster image: it has no pixel size to check"


def cover_present(look: Look, limits: dict) -> str | None:
    return "the EPUB has no cover image" if look.package.cover is None else None


def cover_min(look: Look, limits: dict) -> str | None:
    why = _cover_measure(look)
    if why:
        return why
    if why is None:
        return None
    w, h = look.cover_size
    if "short_side" in limits:
        return f"{_size(look)}, {min(w, h)} px on its shorter side" if min(w, h) < limits["short_side"] else None
    return _size(look) if w < limits["width"] or h < limits["height"] else None


def cover_max(look: Look, limits: dict) -> str | None:
    if not _cover_measure(look) == "":
        return None
    w, h = look.cover_size
    return _size(look) if w > limits["width"] or h > limits["height"] else None


def cover_ratio(look: Look, limits: dict) -> str | None:
    if not _cover_measure(look) == "":
        return None
    w, h = look.cover_size
    ratio = h / w
    return f"{_size(look)}, {ratio:.2f}:1" if abs(ratio - limits["ratio"]) > limits["tolerance"] else None


def cover_bytes(look: Look, limits: dict) -> str | None:
    cover = look.package.cover
    return f"the cover file is {_mb(cover.size)}" if cover is not None and cover.size > limits["max_bytes"] else None


def cover_format(look: Look, limits: dict) -> str | None:
    cover = look.package.cover
    return f"the cover is {cover.media_type}" if cover is not None and cover.media_type in limits["refuse"] else None


def cover_in_xhtml(look: Look, limits: dict) -> str | None:
    cover = look.package.cover
    if cover is None:
        return None
    for path, root in look.pages.items():
        for el in root.iter("{http://www.w3.org/1999/xhtml}img", "{http://www.w3.org/2000/svg}image"):
            ref = el.get("src") or el.get("{http://www.w3.org/1999/xlink}href") or el.get("href") or ""
            if posixpath.normpath(posixpath.join(posixpath.dirname(path), ref.split("#")[0])) == cover.path:
                return None
    return f"no page of the EPUB shows the cover image ({cover.path}) as an <img>"


def epub_bytes(look: Look, limits: dict) -> str | None:
    size = look.package.size
    return f"the EPUB is {_mb(size)}" if size > limits["max_bytes"] else None


def _listed(what: str, names: list[str]) -> str | None:
    if not names:
        return None
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return f"{len(names)} {what}: {', '.join(names[:3])}{more}"


def image_pixels(look: Look, limits: dict) -> str | None:
    over = []
    for item in look.package.items:
        size = look.image_size(item) if item.media_type.startswith("image/") else None
        if size and size[0] * size[1] > limits["max_pixels"]:
            over.append(f"{item.path} ({size[0]} x {size[1]} = {size[0] * size[1] / 1e6:.1f} million px)")
    return _listed("images over the limit", over)


def image_bytes(look: Look, limits: dict) -> str | None:
    return _listed("images over the limit", [f"{i.path} ({_mb(i.size)})" for i in look.package.items
                                             if i.media_type.startswith("image/") and i.size > limits["max_bytes"]])


def xhtml_bytes(look: Look, limits: dict) -> str | None:
    return _listed("pages over the limit", [f"{i.path} ({_mb(i.size)})" for i in look.package.pages()
                                            if i.size > limits["max_bytes"]])


def epub_version(look: Look, limits: dict) -> str | None:
    version = look.package.version
    return None if version in limits["versions"] else f"the package says EPUB version {version or '(none)'}"


def epubcheck(look: Look, limits: dict) -> str | None:
    result = look.epubcheck
    first = f" (first: {result.problems[0]})" if result.problems else ""
    return None if result.ok else f"{result.summary}{first}"


def author(look: Look, limits: dict) -> str | None:
    return None if look.package.metadata["creator"] else "the package names no author (dc:creator)"


def description(look: Look, limits: dict) -> str | None:
    text = " ".join(look.package.metadata["description"])
    if not text:
        return "the package has no description (dc:description; book.toml: description)"
    return f"the description has {len(text)} characters" if len(text) < limits["min_chars"] else None


def subjects(look: Look, limits: dict) -> str | None:
    return None if look.package.metadata["subject"] else "the package has no subject (dc:subject; book.toml: subjects)"


def isbn_present(look: Look, limits: dict) -> str | None:
    return None if look.isbns else "the EPUB has no ISBN (book.toml: isbn)"


def isbn_valid(look: Look, limits: dict) -> str | None:
    bad = [why for _, why in look.isbns if why]
    return f"dc:identifier {bad[0]}" if bad else None


def scripts(look: Look, limits: dict) -> str | None:
    scripted = [i.path for i in look.package.items if "scripted" in i.properties or "javascript" in i.media_type
                or i.media_type == "text/ecmascript"]
    scripted += [path for path, root in look.pages.items()
                 if path not in scripted and next(root.iter("{http://www.w3.org/1999/xhtml}script"), None) is not None]
    return _listed("files with scripts", scripted)


FONT_TYPES = ("font/", "application/font-", "application/x-font", "application/vnd.ms-opentype")


def font_formats(look: Look, limits: dict) -> str | None:
    fonts = [i.path for i in look.package.items if i.media_type.startswith(FONT_TYPES)]
    return _listed("fonts of another format", [p for p in fonts if p.rsplit(".", 1)[-1].lower() not in limits["formats"]])


CHECKS: dict[str, Callable[[Look, dict], str | None]] = {
    "cover-present": cover_present, "cover-min": cover_min, "cover-max": cover_max, "cover-ratio": cover_ratio,
    "cover-bytes": cover_bytes, "cover-format": cover_format, "cover-in-xhtml": cover_in_xhtml,
    "epub-bytes": epub_bytes, "image-pixels": image_pixels, "image-bytes": image_bytes,
    "xhtml-bytes": xhtml_bytes, "epub-version": epub_version, "epubcheck": epubcheck, "author": author,
    "description": description, "subjects": subjects, "isbn-present": isbn_present, "isbn-valid": isbn_valid,
    "scripts": scripts, "font-formats": font_formats,
}


def check_store(path: Path, store: str, epubcheck: CheckResult | None = None) -> StoreReport:
    """Every rule of `store` on the EPUB at `path`. `epubcheck`: EPUBCheck's result when it already
    ran on this file (release), so that a store that asks for it does not run it again."""
    path = Path(path)
    chosen = rules(store)
    if not path.is_file():
        raise PressroomError(f"file not found: {path} (build it first: make epub)")
    if path.suffix.lower() != ".epub":
        raise PressroomError(f"store checks are for EPUBs, not {path.name}")
    look = Look(read_package(path), epubcheck)
    findings = []
    for rule in chosen:
        found = CHECKS[rule.check](look, rule.limits)
        if found:
            findings.append(Finding(rule.store, rule.id, rule.level, f"{found}; {rule.says}", rule.source_title,
                                    rule.source, rule.verified))
    return StoreReport(path, store, stores()[store], len(chosen), findings)
