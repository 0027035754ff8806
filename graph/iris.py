"""Stable IRIs for documents, facts, regions and actors.

The same file read twice gives the same IRIs: a document's IRI comes from its
key (the file name), a fact's from its document and its character span. So a
rebuild replaces a document's named graph instead of adding a second copy.
"""

from __future__ import annotations

import hashlib
import re

from policykg.ontology.namespaces import DATA

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


def document_key(stem: str) -> str:
    """An IRI-safe key for a file stem; non-ASCII stems keep a digest to stay unique."""
    safe = _UNSAFE.sub("-", stem).strip("-.")
    if safe == stem and safe:
        return safe
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:10]
    return f"{safe}-{digest}" if safe else digest


def document_iri(key: str) -> str:
    """IRI of a document; also the name of the document's graph."""
    return f"{DATA}doc/{key}"


def fact_iri(doc_iri: str, kind: str, *parts: object) -> str:
    """IRI of a fact of ``kind`` (measure, target, role ...) in a document."""
    return f"{doc_iri}/{kind}/" + "-".join(str(p) for p in parts)


def span_iri(fact: str) -> str:
    """IRI of the text selector of a fact."""
    return f"{fact}#span"


def region_iri(code: str) -> str:
    """IRI of an administrative region by its GB/T 2260 code."""
    return f"{DATA}region/{code}"


def actor_iri(region_code: str | None, function: str) -> str:
    """One actor per function per region: the Fuzhou public security bureau."""
    return f"{DATA}actor/{region_code or 'unknown'}/{function}"
