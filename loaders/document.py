"""The document model every later stage reads: text plus where it came from.

Offsets everywhere in policykg are character offsets into ``Document.text``,
which is the decoded text of the file exactly as read (for HTML, PDF and DOCX:
the text the reader produced). Nothing is ever deleted from it: web page
furniture is *marked* in ``ignored`` so that spans stay valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character interval ``[start, end)`` into ``Document.text``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Region:
    """An administrative division from the GB/T 2260 gazetteer."""

    code: str  # six-digit GB/T 2260 code, e.g. "350100"
    name: str  # e.g. "福州市"
    level: str  # province | prefecture | county | district
    parent_code: str | None  # None for provinces
    province_code: str


@dataclass(slots=True)
class Metadata:
    """What a document is: who issued it, for where, for which years."""

    title: str | None = None
    issuer: str | None = None
    region: Region | None = None
    years: list[int] = field(default_factory=list)
    doc_type: str | None = None  # a notation of the doc_type vocabulary
    published: str | None = None  # ISO date
    url: str | None = None


@dataclass(slots=True)
class Document:
    """A read document: its text, its source and its metadata."""

    text: str
    source: Path
    checksum: str  # sha256 of the file's bytes
    encoding: str = "utf-8"
    # The text converted to simplified characters, same length as ``text``, so
    # that matching runs on one script and offsets still point into ``text``.
    norm: str = ""
    ignored: list[Span] = field(default_factory=list)  # page furniture, not policy
    metadata: Metadata = field(default_factory=Metadata)

    def __post_init__(self) -> None:
        if not self.norm:
            self.norm = self.text
        if len(self.norm) != len(self.text):
            raise ValueError("Document.norm must have the same length as Document.text")

    @property
    def key(self) -> str:
        """Stable identifier of the document: its file name without suffix."""
        return self.source.stem

    def quote(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def is_ignored(self, pos: int) -> bool:
        return any(s.start <= pos < s.end for s in self.ignored)
