"""Read a text file into a Document: bytes, encoding, script, furniture, metadata.

* **Bytes to text.** UTF-8 (a BOM is stripped: the gold offsets assume none),
  then GB18030 (which covers GBK and GB2312), then Big5, told apart without
  being told: Big5 bytes also decode as GB18030, into kana and private-use
  characters, so among the encodings that decode the bytes the one whose text
  reads as common Chinese wins; ``charset-normalizer`` decides the rest. Text
  with many replacement characters (U+FFFD) was damaged before it reached us
  and is refused.
* **Nothing removed.** ``Document.text`` is the decoded text as is; page
  furniture is marked in ``Document.ignored`` (``loaders.boilerplate``).
* **One script to match on.** ``Document.norm`` is the text in simplified
  characters with the same length (OpenCC ``t2s``, checked line by line, per
  character where a phrase conversion would change the length), so matching
  runs on 蓝天保卫战 while offsets still point into 藍天保衛戰.
* **Bad input** raises ``InputError(path, problem)``: a missing path, a folder,
  an empty file, binary content, undecodable bytes, a file far too large for a
  plan.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache
from pathlib import Path

import charset_normalizer
import opencc

from policykg.errors import InputError
from policykg.loaders.boilerplate import find_boilerplate
from policykg.loaders.document import Document, Metadata
from policykg.loaders.gazetteer import gazetteer
from policykg.loaders.metadata import read_metadata
from policykg.ontology.vocab import vocabulary

# A plan is tens of kilobytes; a file this large is not one plan (and reading it
# would take the memory of a whole build).
MAX_BYTES = 32 * 1024 * 1024
# Share of replacement characters above which a text counts as damaged.
MAX_REPLACEMENT_SHARE = 0.01
# Share of control characters above which bytes are not text.
MAX_CONTROL_SHARE = 0.02
# Least share of common characters for a Chinese decoding to be believed.
MIN_COMMON_SHARE = 0.6

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_OVERRIDE_KEYS = ("title", "region", "year", "years", "doc_type", "url", "published", "issuer")


def read_document(path: Path, overrides: dict | None = None) -> Document:
    """Read a plain-text plan into a Document with its metadata.

    ``overrides`` (from a manifest: ``title``, ``region`` as a name or GB/T 2260
    code, ``year``/``years``, ``doc_type``, ``url``, ``published``, ``issuer``)
    replace what was read from the text. Raises ``InputError`` naming the file
    and the problem for anything that cannot be read as a plan.
    """
    path = Path(path)
    data = _read_bytes(path)
    text, encoding = decode(data, path)
    norm = to_simplified(text)
    ignored = find_boilerplate(norm)
    metadata = read_metadata(text, norm, ignored)
    if overrides:
        apply_overrides(metadata, overrides, path)
    return Document(
        text=text,
        source=path,
        checksum=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        norm=norm,
        ignored=ignored,
        metadata=metadata,
    )


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, not a file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                path,
                f"file too large for a plan ({size / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB)",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read the file ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(path, "empty file" if not data else "empty file (only white space)")
    return data


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
            if not _readable(text):
                raise InputError(
                    path, f"undecodable bytes (a {encoding} byte-order mark, then no readable text)"
                )
            return _checked(text, path), encoding
    if b"\x00" in data:
        raise InputError(path, "not text (binary content: NUL bytes)")
    try:
        return _checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    for encoding, name in (("gb18030", "gb18030"), ("cp950", "big5"), ("big5hkscs", "big5")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_common_share(text), name, text))
    best = max(candidates, key=lambda c: c[0]) if candidates else None  # GB18030 wins a tie
    if best is not None and best[0] >= MIN_COMMON_SHARE:
        return _checked(best[2], path), best[1]
    try:
        guess = charset_normalizer.from_bytes(data).best()
    except Exception:  # the detector must not turn bad input into a traceback
        guess = None
    if guess is not None and guess.encoding and _readable(str(guess)):
        return _checked(str(guess), path), guess.encoding
    if best is not None and _readable(best[2]):
        return _checked(best[2], path), best[1]
    raise InputError(
        path, "undecodable bytes (no readable text as UTF-8, GB18030/GBK, Big5 or a detected encoding)"
    )


def _readable(text: str) -> bool:
    """Chinese that reads as Chinese, or text that is nearly all ASCII (a Latin page with a few accents)."""
    non_ascii = sum(1 for ch in text[:20000] if not ch.isascii())
    return non_ascii <= 0.05 * len(text[:20000]) or _common_share(text) >= MIN_COMMON_SHARE


def _checked(text: str, path: Path | str) -> str:
    """Refuse text that is damaged (replacement characters) or not text (control characters)."""
    if not text.strip():
        raise InputError(path, "empty file (no text)")
    replacements = text.count("\ufffd")
    if replacements >= 10 and replacements > MAX_REPLACEMENT_SHARE * len(text):
        raise InputError(
            path, f"undecodable bytes ({replacements} replacement characters: the text was damaged)"
        )
    controls = sum(
        1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r\f\v\x1b"
    )
    if controls > MAX_CONTROL_SHARE * len(text):
        raise InputError(path, "not text (binary content)")
    return text


def _common_share(text: str) -> float:
    """Share of the non-ASCII characters (in a sample) that are common Chinese characters.

    Common: in GB2312 level 1, the 3755 most used characters, once converted to
    simplified. Big5 bytes read as GB18030 give kana, Greek, box drawing and
    private-use characters; GB bytes read as Big5 give rare characters.
    """
    sample = [ch for ch in text[:20000] if not ch.isascii() and not ch.isspace()]
    if not sample:
        return 1.0
    simplified = _converter().convert("".join(sample))
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
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _char_t2s(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, same length, character for character aligned."""
    if not _CJK.search(text):
        return text
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        converted = _converter().convert(line)
        if len(converted) != len(line):
            # A phrase conversion changed the length: convert one character at a time.
            converted = "".join(_char_t2s(ch) if not ch.isascii() else ch for ch in line)
        out.append(converted)
    result = "".join(out)
    if len(result) != len(text):  # splitlines and convert disagree on a line break
        result = "".join(_char_t2s(ch) if not ch.isascii() else ch for ch in text)
    return result


def apply_overrides(metadata: Metadata, overrides: dict, path: Path | str) -> None:
    """Replace what was read with what a manifest says (``InputError`` for a value it cannot use)."""
    unknown = sorted(set(overrides) - set(_OVERRIDE_KEYS))
    if unknown:
        raise InputError(
            path, f"unknown metadata field(s) {', '.join(unknown)} (known: {', '.join(_OVERRIDE_KEYS)})"
        )
    values = {k: v for k, v in overrides.items() if v is not None and str(v).strip() != ""}
    for key in ("title", "url", "issuer"):
        if key in values:
            setattr(metadata, key, str(values[key]).strip())
    if "region" in values:
        name = str(values["region"]).strip()
        context = [r.code for r in gazetteer().chain(metadata.region)] if metadata.region else []
        region = gazetteer().resolve(name, context)
        if region is None:
            raise InputError(
                path, f"unknown or ambiguous region {name!r} (give the GB/T 2260 code or the full name)"
            )
        metadata.region = region
    for key in ("years", "year"):
        if key in values:
            metadata.years = _parse_years(values[key], path)
            break
    if "doc_type" in values:
        code = str(values["doc_type"]).strip()
        if code not in vocabulary("doc_type"):
            known = ", ".join(c.code for c in vocabulary("doc_type"))
            raise InputError(path, f"unknown doc_type {code!r} (one of: {known})")
        metadata.doc_type = code
    if "published" in values:
        metadata.published = _parse_date(values["published"], path)


def _parse_years(value: object, path: Path | str) -> list[int]:
    """2021, "2021", "2018-2020", "2022;2023", [2022, 2023] -> a sorted list of years."""
    if isinstance(value, int):
        items: list[object] = [value]
    elif isinstance(value, list | tuple | set):
        items = list(value)
    else:
        items = [p for p in re.split(r"[,，;；\s]+", str(value).strip()) if p]
    years: set[int] = set()
    for item in items:
        m = re.fullmatch(r"\s*(\d{4})\s*(?:年)?\s*(?:[-—–~～至到]\s*(\d{4})\s*年?)?\s*", str(item))
        if not m:
            raise InputError(path, f"cannot read the year {item!r} (write 2021 or 2018-2020)")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 1949 <= first <= last <= 2100:
            raise InputError(path, f"cannot read the year {item!r} (write 2021 or 2018-2020)")
        years.update(range(first, last + 1))
    return sorted(years)


def _parse_date(value: object, path: Path | str) -> str:
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", str(value))
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        pass
    raise InputError(path, f"cannot read the date {value!r} (write 2021-05-06)")
