"""PDF files with a text layer, read with ``pypdf``.

``pypdf`` is the maintained pure-Python PDF library (no system libraries to
install): it reads the text layer through each font's character map, CJK
fonts included, and decrypts files that only carry an owner password (the
"no copying" lock bureaus often put on their PDFs; AES needs
``cryptography``, a dependency of policykg).

A PDF breaks every paragraph into lines as wide as the page. Those lines are
joined again here: a line that runs (nearly) to the page's widest line and
does not end a sentence goes on in the next one. Page numbers (— 3 —) stay in
the text and are marked as furniture by ``loaders.boilerplate``.

Refused, each with its reason: a file cut short (no ``%%EOF`` marker near its
end, the mark of an interrupted download), a damaged file, a file that needs
a password to open, and a file with no text layer (a scan: OCR it first).
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from pathlib import Path

import pypdf
from pypdf import PasswordType

from policykg.errors import InputError
from policykg.loaders.formats import Page
from policykg.loaders.formats.text import checked

# Least number of letters, digits or hanzi in a PDF for it to have a text layer.
MIN_TEXT_CHARS = 20
# A line at least this share of the page's widest line reaches the right margin.
FULL_LINE_SHARE = 0.85
# Lines ending with these end a sentence, a heading or a list item: never joined.
_CLOSERS = tuple("。！？；：!?;:…」』”）)")
_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|[①-⑳]|附件)"
)


def read_pdf(path: Path, data: bytes) -> Page:
    """The text layer of a PDF, its wrapped lines joined into paragraphs."""
    if b"%%EOF" not in data[-2048:]:
        raise InputError(path, "truncated PDF (no end-of-file marker: the download was cut short?)")
    # pypdf reports every repair it makes on the logger; a user needs none of them.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise InputError(path, "encrypted PDF (it needs a password to open; save an unlocked copy)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except pypdf.errors.DependencyError as exc:
        raise InputError(path, f"encrypted PDF that cannot be opened here ({exc})") from None
    except pypdf.errors.FileNotDecryptedError:
        raise InputError(path, "encrypted PDF (it needs a password to open; save an unlocked copy)") from None
    except Exception as exc:  # pypdf raises many kinds of error on damaged files; all mean the same
        raise InputError(path, f"damaged PDF ({type(exc).__name__}: {exc})") from None
    text = "\n".join(_unwrap(page) for page in pages)
    if sum(1 for ch in text if ch.isalnum()) < MIN_TEXT_CHARS:
        raise InputError(path, "no text layer in the PDF (a scan? run OCR on it first)")
    return Page(text=checked(text.rstrip() + "\n", path), encoding="pdf", format="pdf")


def _width(line: str) -> int:
    """A line's width in half-width units: hanzi and full-width forms count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _unwrap(page: str) -> str:
    """Join the lines of a page that a paragraph was wrapped into."""
    lines = [line.rstrip() for line in page.splitlines()]
    widest = max((_width(line) for line in lines), default=0)
    out: list[str] = []
    carry = False
    for line in lines:
        if carry and line.strip() and not _HEADING_START.match(line):
            out[-1] += line.lstrip()
        else:
            out.append(line)
        stripped = out[-1].strip()
        carry = bool(stripped) and (
            _width(line) >= FULL_LINE_SHARE * widest and widest >= 40 and not stripped.endswith(_CLOSERS)
        )
    return "\n".join(out)
