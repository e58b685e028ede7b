"""The parts of a Word package (DOCX) that a report's content needs, read from the zip.

python-docx opens a package by loading every part the relationships reach and parsing each
XML one (styles, numbering, settings, theme: the styles part of a Word template alone is
350 KB) into its own element classes: most of the time to extract a DOCX went there. The
extractor needs the main document, its relationships (pictures) and the core title, so
only those are read, with plain lxml and the parser settings python-docx uses.

What python-docx refuses to open is refused here too, as ``BadPackage``: no content types,
no main document, a main part that is not a Word document (a template, a macro document),
broken XML in any part read. Unlike python-docx, a broken part nobody reads (styles, a
header) does not make the document unreadable.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

import lxml.etree

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RT_OFFICE_DOCUMENT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                      "officeDocument")
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
# python-docx's oxml parser, without its element classes.
_PARSER = lxml.etree.XMLParser(remove_blank_text=True, resolve_entities=False)


class BadPackage(Exception):
    """A zip that is no readable Word package."""


@dataclass(frozen=True)
class Relationship:
    type: str
    target_ref: str  # as written (the URL of an external target)
    partname: str | None  # an internal target's part name ("/word/media/image1.png")

    @property
    def is_external(self) -> bool:
        return self.partname is None


class Package:
    """One DOCX: its main part's name and relationships (by id), parts read on demand."""

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            raise BadPackage(f"{type(exc).__name__}: {exc}") from None
        self._package_rels = self.relationships("/")
        main = self._target(RT_OFFICE_DOCUMENT)
        if main is None:
            raise BadPackage("no relationship of type officeDocument")
        content_type = self._content_type(main)
        if content_type != CT_MAIN:
            raise BadPackage(f"not a Word file, content type is {content_type!r}")
        self.main_partname = main
        self.rels = self.relationships(main)  # the main document's, by id

    def main_document(self):
        """The main part's root element (w:document)."""
        return self.xml(self.main_partname)

    def blob(self, partname: str) -> bytes | None:
        """A part's bytes; None if the zip lacks it."""
        try:
            return self._zip.read(partname.lstrip("/"))
        except KeyError:
            return None

    def xml(self, partname: str):
        blob = self.blob(partname)
        if blob is None:
            raise BadPackage(f"there is no item named {partname.lstrip('/')!r} in the archive")
        try:
            return lxml.etree.fromstring(blob, _PARSER)
        except lxml.etree.XMLSyntaxError as exc:
            raise BadPackage(f"XMLSyntaxError: {exc}") from None

    def core_title(self) -> str:
        """dc:title of the core properties, "" when there is none."""
        try:
            core = self._target(RT_CORE)
        except BadPackage:
            return ""
        if core is None or self.blob(core) is None:
            return ""
        title = self.xml(core).find(_DC_TITLE)
        return (title.text or "") if title is not None else ""

    def relationships(self, partname: str) -> dict[str, Relationship]:
        """A part's relationships by id (none if it has no .rels part)."""
        directory, name = posixpath.split(partname)
        rels_name = posixpath.join(directory, "_rels", f"{name}.rels")
        if self.blob(rels_name) is None:
            return {}
        found = {}
        for rel in self.xml(rels_name).iter(_RELS):
            target = rel.get("Target") or ""
            internal = rel.get("TargetMode", "Internal") != "External"
            found[rel.get("Id") or ""] = Relationship(
                rel.get("Type") or "", target,
                posixpath.normpath(posixpath.join(directory, target)) if internal else None)
        return found

    # --- package structure ---------------------------------------------------------------
    def _target(self, rel_type: str) -> str | None:
        """The part the package's one relationship of ``rel_type`` points to; None if there
        is none (BadPackage if there are several, or it points outside the package)."""
        found = [r for r in self._package_rels.values() if r.type == rel_type]
        if len(found) > 1:
            raise BadPackage(f"multiple relationships of type {rel_type!r}")
        if found and found[0].partname is None:
            raise BadPackage(f"the {rel_type.rsplit('/', 1)[-1]} relationship is external")
        return found[0].partname if found else None

    def _content_type(self, partname: str) -> str:
        """As [Content_Types].xml gives it: an override for the part, else the default for
        its extension (both case-insensitive)."""
        types = self.xml("/[Content_Types].xml")
        overrides = {(e.get("PartName") or "").lower(): e.get("ContentType") or ""
                     for e in types.iter(f"{_CT}Override")}
        defaults = {(e.get("Extension") or "").lower(): e.get("ContentType") or ""
                    for e in types.iter(f"{_CT}Default")}
        found = overrides.get(partname.lower())
        if found is None:
            found = defaults.get(posixpath.splitext(partname)[1].lstrip(".").lower())
        if found is not None:
            return found
        raise BadPackage(f"no content type for partname {partname!r} in [Content_Types].xml")
