"""A built EPUB read as the stores read it: its package document's version, Dublin Core metadata
and unique identifier, the manifest (each item's path in the zip, media type, properties, size),
and the cover image. Takes an EPUB's path,
gives a `Package`; an archive that is not an EPUB is a PressroomError naming the file.
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from ..model import PressroomError

NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf",
      "dc": "http://purl.org/dc/elements/1.1/"}
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass
class Item:
    id: str
    path: str  # inside the zip
    media_type: str
    properties: set[str]
    size: int


@dataclass
class Package:
    path: Path
    size: int
    version: str
    unique_identifier: str
    metadata: dict[str, list[str]]  # "title", "creator", "language", "description", "subject", "identifier"
    items: list[Item]
    cover: Item | None

    def read(self, item: Item) -> bytes:
        with zipfile.ZipFile(self.path) as z:
            return z.read(item.path)

    def pages(self) -> list[Item]:
        return [i for i in self.items if i.media_type == "application/xhtml+xml"]


def read_package(path: Path) -> Package:
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as z:
            sizes = {info.filename: info.file_size for info in z.infolist()}
            container = etree.fromstring(z.read("META-INF/container.xml"), PARSER)
            opf_path = container.xpath("string(//c:rootfile/@full-path)", namespaces=NS)
            opf = etree.fromstring(z.read(opf_path), PARSER)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as e:
        raise PressroomError(f"not a readable EPUB ({e}); build it again (make epub)", str(path)) from None
    base = posixpath.dirname(opf_path)
    metadata: dict[str, list[str]] = {}
    for name in ("title", "creator", "language", "description", "subject", "identifier"):
        metadata[name] = [" ".join("".join(e.itertext()).split()) for e in opf.findall(f"opf:metadata/dc:{name}", NS)]
    uid_ref = opf.get("unique-identifier", "")
    unique = opf.xpath("string(opf:metadata/dc:identifier[@id=$i])", namespaces=NS, i=uid_ref).strip()
    items = []
    for el in opf.findall("opf:manifest/opf:item", NS):
        zpath = posixpath.normpath(posixpath.join(base, unquote(el.get("href", ""))))
        items.append(Item(el.get("id", ""), zpath, el.get("media-type", ""), set(el.get("properties", "").split()),
                          sizes.get(zpath, 0)))
    cover = next((i for i in items if "cover-image" in i.properties), None)
    if cover is None:  # EPUB 2's way: <meta name="cover" content="item id">
        ref = opf.xpath("string(opf:metadata/opf:meta[@name='cover']/@content)", namespaces=NS)
        cover = next((i for i in items if ref and i.id == ref and i.media_type.startswith("image/")), None)
    return Package(path, path.stat().st_size, opf.get("version", ""), unique, metadata, items, cover)
