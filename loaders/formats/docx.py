"""Word files (.docx), read with ``python-docx``.

``python-docx`` is the maintained library for the Office Open XML word
processing format. The text is the document body in reading order: each
paragraph a line, each table row a line with its cells separated by tabs
(a merged cell once). Page headers and footers are page furniture and are
left out. Old binary Word files (.doc) and password-protected .docx files are
Compound Files, not ZIP packages: ``loaders.formats`` refuses them before
they get here.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from policykg.errors import InputError
from policykg.loaders.formats import Page
from policykg.loaders.formats.text import checked

# What the parts of a .docx may unpack to: far above any plan, far below a zip bomb.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024


def read_docx(path: Path, data: bytes) -> Page:
    """The body text of a Word file: paragraphs and table rows, one a line."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        # NotImplementedError: a central directory naming a ZIP version zipfile does not read
        raise InputError(path, f"damaged Word file (not a readable ZIP package: {exc})") from None
    if "word/document.xml" not in names:
        raise InputError(path, "not a Word document (a ZIP file without word/document.xml)")
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError(path, f"Word file unpacks to {unpacked / 2**20:.0f} MB: too large for a plan")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_lines(document.iter_inner_content()))
    except Exception as exc:  # python-docx and lxml raise many kinds of error on damaged parts
        raise InputError(path, f"damaged Word file ({type(exc).__name__}: {exc})") from None
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    if not text.strip():
        raise InputError(path, "empty Word document (no text in its body)")
    return Page(text=checked(text + "\n", path), encoding="utf-8", format="docx")


def _lines(blocks) -> list[str]:
    """Paragraphs and table rows, in the order they stand in the document."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per grid column it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                yield "\t".join(cells)
