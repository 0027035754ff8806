"""A manifest: a CSV file that supplies or overrides the metadata of the files it lists.

Columns (a header row names them, in any order; only ``path`` is required):

``path``      the file, relative to the manifest's folder (or absolute)
``region``    a place name or GB/T 2260 code (福州市, 鼓楼区, 350102)
``year``      2021, 2018-2020 or 2022;2023
``doc_type``  a notation of the doc_type vocabulary (work_plan, work_summary …)
``url``       the page the file was saved from
``title``     the document's title
``published``, ``issuer``  optional too

An empty cell leaves what was read from the file. The file may be UTF-8 (with
or without BOM, as Excel writes it) or GBK/GB18030 (Excel on a Chinese
system). A ``manifest.csv`` at the root of a folder given to ``policykg
build`` is used automatically; ``--manifest FILE`` names one explicitly, and
its rows win over those of a folder's manifest for the same file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from policykg.errors import InputError
from policykg.loaders.formats.text import decode

MANIFEST_NAME = "manifest.csv"
COLUMNS = ("path", "region", "year", "years", "doc_type", "url", "title", "published", "issuer")
# Chinese headers researchers write, for the same columns.
COLUMN_ALIASES = {
    "文件": "path",
    "路径": "path",
    "地区": "region",
    "行政区": "region",
    "年份": "year",
    "年度": "year",
    "类型": "doc_type",
    "文种": "doc_type",
    "网址": "url",
    "链接": "url",
    "标题": "title",
    "发布日期": "published",
    "发布机构": "issuer",
}
# A manifest is a list of files, not data: anything this large is something else.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


@dataclass(slots=True)
class Entry:
    """One row: the file it is about, the values it gives, and where it was written."""

    path: Path
    overrides: dict[str, str]
    where: str  # "plans/manifest.csv line 3", named in messages

    def digest(self) -> str:
        """The values, in a stable form: a file is rebuilt when its manifest row changes."""
        return ";".join(f"{k}={v}" for k, v in sorted(self.overrides.items()))


@dataclass
class Manifest:
    """The rows of one or more manifests, by the resolved path of the file each is about."""

    entries: dict[Path, Entry] = field(default_factory=dict)
    problems: list[tuple[Path, str]] = field(default_factory=list)  # rows that could not be used

    def get(self, path: Path) -> Entry | None:
        return self.entries.get(_key(path))

    def update(self, other: Manifest) -> None:
        """Add ``other``'s rows; for a file both name, ``other``'s row wins."""
        self.entries.update(other.entries)
        self.problems.extend(other.problems)


def read_manifest(path: Path) -> Manifest:
    """The rows of a manifest file. ``InputError`` when the file as a whole cannot be used.

    Rows that cannot be used (no path, a file listed twice, a file that does
    not exist) are collected in ``problems`` and the other rows still count.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such manifest file" if not path.exists() else "manifest is not a file")
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise InputError(path, "manifest too large (more than 16 MB: is it a manifest?)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read the manifest ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(path, "empty manifest (write a header row: path,region,year,doc_type,url,title)")
    text, _ = decode(data, path)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(path, f"not a readable CSV file ({exc})") from None
    header = [_column(cell) for cell in rows[0]]
    if "path" not in header:
        raise InputError(
            path,
            f"manifest has no path column (its header is {', '.join(rows[0])}; write path,region,year,…)",
        )
    unknown = [cell for cell, col in zip(rows[0], header, strict=True) if col not in COLUMNS]
    if unknown:
        raise InputError(
            path, f"unknown manifest column(s) {', '.join(unknown)} (known: {', '.join(COLUMNS)})"
        )
    manifest = Manifest()
    first_line: dict[Path, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path} line {number}"
        if len(row) > len(header):
            manifest.problems.append((path, f"line {number}: {len(row)} cells for {len(header)} columns"))
            continue
        values = {col: cell.strip() for col, cell in zip(header, row, strict=False) if cell.strip()}
        name = values.pop("path", "")
        if not name:
            manifest.problems.append((path, f"line {number}: no path"))
            continue
        target = Path(name) if Path(name).is_absolute() else path.parent / name
        key = _key(target)
        if key in first_line:
            manifest.problems.append(
                (
                    target,
                    f"listed twice in {path} (lines {first_line[key]} and {number}); line {number} ignored",
                )
            )
            continue
        first_line[key] = number
        if not target.is_file():
            manifest.problems.append((target, f"listed in {where}, but there is no such file"))
            continue
        manifest.entries[key] = Entry(target, values, where)
    return manifest


def _column(cell: str) -> str:
    name = cell.strip().lstrip("\ufeff").strip().lower()
    return COLUMN_ALIASES.get(name, name)


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
