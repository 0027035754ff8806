"""Write extracted facts in the gold annotation format (``../shared/gold/SCHEMA.md``).

The output is what ``score.py`` reads: the same keys and codes as a hand
annotation, plus ``start``/``end`` character offsets into ``Document.text`` on
every fact (for actors: the clause that gives the role). Every ``text`` is
``document.text[start:end]``, so it quotes the original script even when
matching ran on the simplified ``Document.norm``.
"""

from __future__ import annotations

from typing import Any

from policykg.loaders.document import Document, Region, Span
from policykg.loaders.extract.facts import DocumentFacts, Instrument
from policykg.loaders.gazetteer import by_code
from policykg.ontology.vocab import vocabulary


def _quote(document: Document, span: Span) -> dict[str, Any]:
    return {"text": document.text[span.start : span.end], "start": span.start, "end": span.end}


def _number(value: float | None) -> float | int | None:
    """23.0 is written 23, as a reader types it; other values unchanged."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _region_name(code: str | None) -> str | None:
    """The name of a GB/T 2260 code from the gazetteer, or None if unknown."""
    region = by_code(code) if code else None
    return region.name if region is not None else None


def region_json(region: Region | None) -> dict[str, Any] | None:
    """``{name, level, province, parent, adcode}`` with the province and parent as names."""
    if region is None:
        return None
    return {
        "name": region.name,
        "level": region.level,
        "province": region.name if region.level == "province" else _region_name(region.province_code),
        "parent": _region_name(region.parent_code),
        "adcode": region.code,
    }


def instrument_name(code: str) -> str:
    """The Chinese preferred label of an instrument concept (its code if unknown)."""
    vocab = vocabulary("instrument")
    return vocab[code].pref_zh if code in vocab else code


def to_gold(facts: DocumentFacts) -> dict[str, Any]:
    """The facts of one document as a gold-format dict, with offsets on each fact."""
    document = facts.document
    meta = document.metadata
    targets = [
        {
            **_quote(document, t.span),
            "indicator": t.indicator,
            "pollutant": t.pollutant,
            "comparator": t.comparator,
            "value": _number(t.value),
            "unit": t.unit,
            "year": t.year,
            "kind": t.kind,
            "strength": t.strength,
            "campaign": t.campaign,
        }
        for t in facts.targets
    ]
    actors = [
        {
            "text": document.text[a.span.start : a.span.end],
            "canonical": a.function,
            "role": a.role,
            "clause": document.text[a.clause.start : a.clause.end],
            "start": a.clause.start,
            "end": a.clause.end,
        }
        for a in facts.actors
    ]
    pairs = [
        {"campaign": campaign, "pollutant": pollutant, **_quote(document, span)}
        for campaign, pollutant, span in facts.campaign_pollutants
    ]
    # An annotator lists an instrument once per document and kind (adopted in
    # the plan, reported in the summary): the first mention stands for the rest.
    adoptions: dict[tuple[str, str], Instrument] = {}
    for instrument in facts.instruments:
        adoptions.setdefault((instrument.code, instrument.kind), instrument)
    instruments = [
        {"name": instrument_name(i.code), **_quote(document, i.span), "kind": i.kind}
        for i in adoptions.values()
    ]
    return {
        "doc": document.source.name,
        "region": region_json(meta.region),
        "issuer": meta.issuer,
        "doc_type": meta.doc_type,
        "years": list(meta.years),
        "published": meta.published,
        "targets": targets,
        "actors": actors,
        "campaign_pollutants": pairs,
        "instruments": instruments,
    }
