"""Files of every kind to text: plain text, saved web pages, PDF text layers, Word files.

``read_bytes(path, data)`` picks the reader by content first, then by suffix:
a ``%PDF-`` header is a PDF whatever the file is called, a ZIP with
``word/document.xml`` a Word file, a file that opens with ``<!DOCTYPE html`` or
``<html`` a web page (pages are often saved as ``.txt``), anything else with a
text suffix plain text. Formats policykg cannot read (``.doc``, ``.wps``,
``.ofd``, spreadsheets …) are refused with what to do about them.

Each reader returns a ``Page``: the text every later stage works on (offsets
point into it), the encoding it was decoded from (``pdf`` for a PDF's text
layer) and what the file itself says about the document (a web page's title,
publication date and address), which takes precedence over what is read from
the text. Every problem is an ``InputError`` naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from policykg.errors import InputError

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
PDF_SUFFIXES = (".pdf",)
DOCX_SUFFIXES = (".docx",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES + DOCX_SUFFIXES

# Documents of kinds policykg cannot read, with what to do about them. In a
# folder they are skipped with this note; named on the command line they fail.
UNSUPPORTED = {
    ".doc": "an old-format Word file (.doc): save it as .docx or PDF",
    ".wps": "a WPS Writer file: save it as .docx or PDF",
    ".rtf": "a rich-text file: save it as .docx or PDF",
    ".odt": "an OpenDocument text: save it as .docx or PDF",
    ".ofd": "an OFD file: export it as PDF",
    ".caj": "a CAJ file: export it as PDF",
    ".mht": "a single-file web archive (.mht): open it in a browser and save it as HTML",
    ".mhtml": "a single-file web archive (.mhtml): open it in a browser and save it as HTML",
    ".xls": "a spreadsheet, not a plan",
    ".xlsx": "a spreadsheet, not a plan",
    ".et": "a spreadsheet, not a plan",
    ".ppt": "a presentation, not a plan",
    ".pptx": "a presentation, not a plan",
    ".zip": "an archive: unpack it first",
    ".rar": "an archive: unpack it first",
    ".7z": "an archive: unpack it first",
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: .doc, .xls, .wps, encrypted .docx
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(slots=True)
class Page:
    """The text of a file as a reader produced it, and what the file says about itself."""

    text: str
    encoding: str
    format: str  # text | html | pdf | docx
    title: str | None = None
    published: str | None = None  # ISO date
    url: str | None = None


def sniff(data: bytes) -> str | None:
    """The kind of file its first bytes show: pdf, zip, ole, html, or None (text or unknown)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<?xml") and b"<html" in head):
        return "html"
    if head.startswith(b"<!--") and b"<html" in head:  # "<!-- saved from url=... -->" then <html>
        return "html"
    return None


def read_bytes(path: Path, data: bytes) -> Page:
    """The text of a file's bytes, by the reader its content (then its suffix) calls for."""
    from policykg.loaders.formats import docx, html, pdf, text

    suffix = path.suffix.lower()
    kind = sniff(data)
    if kind == "pdf":
        return pdf.read_pdf(path, data)
    if kind == "zip":
        if suffix in UNSUPPORTED:
            raise InputError(path, f"unsupported format: {UNSUPPORTED[suffix]}")
        return docx.read_docx(path, data)
    if kind == "ole":
        raise InputError(
            path,
            "unsupported format: an old-format Office file (.doc, .xls, .wps) or a password-protected "
            "Word file; save it as .docx or PDF",
        )
    if suffix in PDF_SUFFIXES:
        raise InputError(path, "not a PDF (no %PDF- header): the file is damaged or is not a PDF")
    if suffix in DOCX_SUFFIXES:
        raise InputError(path, "not a Word .docx file (not a ZIP container): damaged, or a renamed .doc")
    if kind == "html" or suffix in HTML_SUFFIXES:
        return html.read_html(path, data)
    if suffix in UNSUPPORTED:
        raise InputError(path, f"unsupported format: {UNSUPPORTED[suffix]}")
    return text.read_text(path, data)
