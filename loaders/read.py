"""Read a file into a Document: format, bytes, encoding, script, furniture, metadata.

* **Formats.** Plain text, web pages saved from bureau sites, PDF text layers
  and Word (.docx) files, told apart by content, then suffix
  (``loaders.formats``). ``Document.text`` is the text the reader produced: for
  a web page the article (its title, then its body) without the site's
  navigation, share bars, related links and footer.
* **Bytes to text.** UTF-8 with or without BOM, GB18030/GBK, Big5, detected
  without being told (``loaders.formats.text``).
* **Nothing removed.** Furniture left in the text (breadcrumbs, 发布时间 lines,
  page numbers) is marked in ``Document.ignored`` (``loaders.boilerplate``).
* **One script to match on.** ``Document.norm`` is the text in simplified
  characters with the same length (OpenCC ``t2s``, checked line by line, per
  character where a phrase conversion would change the length), so matching
  runs on 蓝天保卫战 while offsets still point into 藍天保衛戰.
* **Metadata** is read from the text (``loaders.metadata``); what the file says
  about itself (a page's title, date and address) takes precedence, and a
  manifest's values (``overrides``) over both.
* **Bad input** raises ``InputError(path, problem)``: a missing path, a folder,
  an empty file, binary content, undecodable bytes, a damaged, truncated,
  encrypted or scanned PDF, a format policykg cannot read, a file far too
  large for a plan.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from policykg.errors import InputError
from policykg.loaders.boilerplate import find_boilerplate
from policykg.loaders.document import Document, Metadata
from policykg.loaders.formats import Page, read_bytes
from policykg.loaders.formats.text import t2s
from policykg.loaders.gazetteer import gazetteer
from policykg.loaders.metadata import read_metadata
from policykg.ontology.vocab import vocabulary

# A plan is tens of kilobytes; a file this large is not one plan (and reading it
# would take the memory of a whole build).
MAX_BYTES = 32 * 1024 * 1024
# The text a PDF or Word file unpacks to is bounded too (a few MB of bytes can
# hold a compressed bomb); the longest real plans are a few hundred thousand.
MAX_TEXT_CHARS = 8_000_000
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_OVERRIDE_KEYS = ("title", "region", "year", "years", "doc_type", "url", "published", "issuer")


def read_document(
    path: Path, overrides: dict | None = None, *, overrides_from: str | None = None
) -> Document:
    """Read a plan (text, web page, PDF or Word file) into a Document with its metadata.

    ``overrides`` (from a manifest: ``title``, ``region`` as a name or GB/T 2260
    code, ``year``/``years``, ``doc_type``, ``url``, ``published``, ``issuer``)
    replace what was read from the file; ``overrides_from`` (``manifest.csv line
    3``) is named when one of them cannot be used. Raises ``InputError`` naming
    the file and the problem for anything that cannot be read as a plan.
    """
    path = Path(path)
    data = _read_bytes(path)
    page = read_bytes(path, data)
    text = page.text
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            path, f"too much text for a plan ({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})"
        )
    norm = to_simplified(text)
    ignored = find_boilerplate(norm)
    metadata = read_metadata(text, norm, ignored)
    _apply_page(metadata, page)
    if overrides:
        try:
            apply_overrides(metadata, overrides, path)
        except InputError as exc:
            if overrides_from is None:
                raise
            raise InputError(path, f"{exc.problem} (in {overrides_from})") from None
    return Document(
        text=text,
        source=path,
        checksum=hashlib.sha256(data).hexdigest(),
        encoding=page.encoding,
        norm=norm,
        ignored=ignored,
        metadata=metadata,
    )


def _apply_page(metadata: Metadata, page: Page) -> None:
    """What the file says about itself (a page's title, date, address) over what the text suggests."""
    if page.title:
        metadata.title = page.title
    if page.published:
        metadata.published = page.published
    if page.url:
        metadata.url = page.url


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


@cache
def _char_t2s(ch: str) -> str:
    out = t2s().convert(ch)
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, same length, character for character aligned."""
    if not _CJK.search(text):
        return text
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        converted = t2s().convert(line)
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
    for key in ("title", "issuer"):
        if key in values:
            setattr(metadata, key, str(values[key]).strip())
    if "url" in values:
        url = str(values["url"]).strip()
        if not is_web_address(url):
            raise InputError(
                path, f"cannot read the url {url!r} (write the full http:// or https:// address)"
            )
        metadata.url = url
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


def is_web_address(value: str) -> bool:
    """An http(s) address that can stand as an IRI: no spaces, quotes or angle brackets."""
    return bool(_WEB_ADDRESS.fullmatch(value))


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
