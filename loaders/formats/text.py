"""Plain text: bytes to text in whichever encoding they are, told apart without being told.

UTF-8 (a BOM is stripped: the gold offsets assume none), then GB18030 (which
covers GBK and GB2312), then Big5: Big5 bytes also decode as GB18030, into
kana and private-use characters, so among the encodings that decode the bytes
the one whose text reads as common Chinese wins; ``charset-normalizer``
decides the rest. Text with many replacement characters (U+FFFD) was damaged
before it reached us and is refused, and so are bytes that are not text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import charset_normalizer
import opencc

from policykg.errors import InputError
from policykg.loaders.formats import Page

# Share of replacement characters above which a text counts as damaged.
MAX_REPLACEMENT_SHARE = 0.01
# Share of control characters above which bytes are not text.
MAX_CONTROL_SHARE = 0.02
# Least share of common characters for a Chinese decoding to be believed.
MIN_COMMON_SHARE = 0.6

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def read_text(path: Path, data: bytes) -> Page:
    """A plain-text file: its decoded text, as is."""
    text, encoding = decode(data, path)
    return Page(text=text, encoding=encoding, format="text")


def decode(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """The text of ``data`` and the name of its encoding, or ``InputError``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding.replace("-sig", ""))
            except UnicodeDecodeError:
                raise InputError(
                    path, f"undecodable bytes (starts with a {encoding} byte-order mark)"
                ) from None
            if not readable(text):
                raise InputError(
                    path, f"undecodable bytes (a {encoding} byte-order mark, then no readable text)"
                )
            return checked(text, path), encoding
    if b"\x00" in data:
        raise InputError(path, "not text (binary content: NUL bytes)")
    try:
        return checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    for encoding, name in (("gb18030", "gb18030"), ("cp950", "big5"), ("big5hkscs", "big5")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((common_share(text), name, text))
    best = max(candidates, key=lambda c: c[0]) if candidates else None  # GB18030 wins a tie
    if best is not None and best[0] >= MIN_COMMON_SHARE:
        return checked(best[2], path), best[1]
    try:
        guess = charset_normalizer.from_bytes(data).best()
    except Exception:  # the detector must not turn bad input into a traceback
        guess = None
    if guess is not None and guess.encoding and readable(str(guess)):
        return checked(str(guess), path), guess.encoding
    if best is not None and readable(best[2]):
        return checked(best[2], path), best[1]
    raise InputError(
        path, "undecodable bytes (no readable text as UTF-8, GB18030/GBK, Big5 or a detected encoding)"
    )


def readable(text: str) -> bool:
    """Chinese that reads as Chinese, or text that is nearly all ASCII (a Latin page with a few accents)."""
    non_ascii = sum(1 for ch in text[:20000] if not ch.isascii())
    return non_ascii <= 0.05 * len(text[:20000]) or common_share(text) >= MIN_COMMON_SHARE


# Unicode categories Cc and Cs (controls, lone surrogates) but for \t \n \v \f \r and ESC, as one
# character class: counting with unicodedata.category took 0.7 ms a plan, the class 0.05.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ud800-\udfff]")


def checked(text: str, path: Path | str) -> str:
    """Refuse text that is damaged (replacement characters) or not text (control characters)."""
    if not text.strip():
        raise InputError(path, "empty file (no text)")
    replacements = text.count("\ufffd")
    if replacements >= 10 and replacements > MAX_REPLACEMENT_SHARE * len(text):
        raise InputError(
            path, f"undecodable bytes ({replacements} replacement characters: the text was damaged)"
        )
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise InputError(path, "not text (binary content)")
    return text


def common_share(text: str) -> float:
    """Share of the non-ASCII characters (in a sample) that are common Chinese characters.

    Common: in GB2312 level 1, the 3755 most used characters, once converted to
    simplified. Big5 bytes read as GB18030 give kana, Greek, box drawing and
    private-use characters; GB bytes read as Big5 give rare characters.
    """
    sample = [ch for ch in text[:20000] if not ch.isascii() and not ch.isspace()]
    if not sample:
        return 1.0
    simplified = t2s().convert("".join(sample))
    common = 0
    for ch in simplified:
        try:
            code = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        # Level-1 hanzi (rows 0xB0-0xD7) and punctuation (row 0xA1, 0xA3 full-width forms).
        if len(code) == 2 and (0xB0 <= code[0] <= 0xD7 or code[0] in (0xA1, 0xA3)):
            common += 1
    return common / len(simplified)


@cache
def t2s() -> opencc.OpenCC:
    """The OpenCC traditional-to-simplified converter (built once)."""
    return opencc.OpenCC("t2s")
