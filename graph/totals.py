"""Corpus totals: the documents' tallies summed over the whole corpus, once per build.

Tallies (``graph/tallies.py``) make a corpus-wide question sum a few rows per
document; on 10,000 plans that is still hundreds of thousands of rows and
seconds a question. The questions that pool every place (``shared-responsibility``,
``lead-departments``, ``first-adopters``) read these totals instead: one node
per key over the whole corpus, with the places where its facts are; and
``shared-responsibility-by-place`` one node per pair and place.

- ``pkg:PairTotal``: a pair of department functions (``pkg:functionA``,
  ``pkg:functionB``), the measures they share (``pkg:count``), the first of
  them by IRI (``pkg:firstMeasure``);
- ``pkg:PlacePairTotal``: the same for one place (``pkg:region``), for the
  question per place;
- ``pkg:TopicTotal``: a function, a role and a campaign or a pollutant, and the
  measures it counts;
- ``pkg:InstrumentTotal``: an instrument, the earliest year a document adopts it
  (``pkg:firstYear``) and the places that do so in that year (``pkg:firstAdopter``).

Each has the number of places whose documents' tallies it sums
(``pkg:placeCount``); pair and topic totals also name them (``pkg:region``).
Only tallies of documents with a region count, as in the per-place questions.

The totals graph is replaced whole, in one transaction, with the marker
``<TOTALS_GRAPH> pkg:totalsFrom "VERSION"``. The store strikes the marker
off whenever a document is written or dropped (``Store._outdate_totals``), so
``ensure`` after a build recomputes them exactly when something changed (or
when this module changed: the version is its digest), and a ready question
that reads them (``# reads: totals``) fails with a clear message rather than
answer from totals of an older corpus (``queries/run.py``).
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from policykg.graph.store import TOTALS_FROM, Store
from policykg.ontology.namespaces import DATA, PKG, RDF, TOTALS_GRAPH, XSD

_PREFIX = f"PREFIX pkg: <{PKG}>\n"
# Each sums the tallies of one class per key and region: the rows are keys × places, and the
# places of a key are what its total lists. A tally is in its document's graph (GRAPH ?d), and
# each property is read in one pass over its index and joined by hash (a subquery each): looked
# up tally by tally, the topics took 3.7 s on 1,000 plans, this way 1.4 s.
_DOCUMENT_REGIONS = "{ SELECT ?d ?region WHERE { ?d a pkg:PolicyDocument ; pkg:region ?region } }"
_PAIRS = f"""{_PREFIX}SELECT ?fa ?fb ?region (SUM(?n) AS ?count) (MIN(STR(?m)) AS ?first) WHERE {{
  {_DOCUMENT_REGIONS}
  {{ SELECT ?t ?d WHERE {{ GRAPH ?d {{ ?t a pkg:PairTally }} }} }}
  {{ SELECT ?t ?fa ?fb ?n ?m WHERE {{
       ?t a pkg:PairTally ; pkg:functionA ?fa ; pkg:functionB ?fb ; pkg:count ?n ; pkg:firstMeasure ?m }} }}
}} GROUP BY ?fa ?fb ?region"""
_TOPICS = f"""{_PREFIX}SELECT ?f ?role ?kind ?topic ?region (SUM(?n) AS ?count) WHERE {{
  {_DOCUMENT_REGIONS}
  {{ SELECT ?t ?d WHERE {{ GRAPH ?d {{ ?t a pkg:TopicTally }} }} }}
  {{ SELECT ?t ?f WHERE {{ ?t pkg:function ?f }} }}
  {{ SELECT ?t ?role WHERE {{ ?t pkg:role ?role }} }}
  {{ SELECT ?t ?n WHERE {{ ?t pkg:count ?n }} }}
  {{ SELECT ?t ?kind ?topic WHERE {{
       {{ ?t pkg:campaign ?topic BIND (pkg:campaign AS ?kind) }} UNION {{ ?t pkg:pollutant ?topic BIND (pkg:pollutant AS ?kind) }} }} }}
}} GROUP BY ?f ?role ?kind ?topic ?region"""
# The year of an instrument tally is that of its adoptions; tallies of adoptions without a year
# say nothing about who was first, and are left out as the per-place questions leave them.
_INSTRUMENTS = f"""{_PREFIX}SELECT ?i ?region (MIN(?y) AS ?year) WHERE {{
  {_DOCUMENT_REGIONS}
  {{ SELECT ?t ?d WHERE {{ GRAPH ?d {{ ?t a pkg:InstrumentTally }} }} }}
  {{ SELECT ?t ?y WHERE {{ ?t a pkg:InstrumentTally ; pkg:year ?y }} }}
  {{ SELECT ?t ?i WHERE {{ ?t a pkg:InstrumentTally ; pkg:instrument ?i }} }}
}} GROUP BY ?i ?region"""


@cache
def totals_version() -> str:
    """The digest of this module: a change of what the totals are makes every stored total out of date."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:32]


@dataclass
class TotalsReport:
    """What ``ensure`` did: how many totals of each class it wrote, or that they were current."""

    counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False
    seconds: float = 0.0


@dataclass
class _Total:
    count: int = 0
    regions: set[str] = field(default_factory=set)  # as N-Triples terms
    first: str | None = None


def _node(cls: str, *key: str) -> str:
    digest = hashlib.sha256("|".join((cls, *key)).encode("utf-8")).hexdigest()[:20]
    return f"<{DATA}total/{digest}>"


def _integer(n: int) -> str:
    return f'"{n}"^^<{XSD}integer>'


def _lines(
    node: str, cls: str, dims: list[tuple[str, str]], regions: set[str], *, listed: bool = True
) -> list[str]:
    """A total's class, dimensions (``(property local name, N-Triples term)``), number of places
    and, if ``listed``, the places."""
    # the superclass too: nothing the ontology entails about a total is left for a reasoner to add
    out = [f"{node} <{RDF}type> <{PKG}{cls}> .", f"{node} <{RDF}type> <{PKG}Total> ."]
    out += [f"{node} <{PKG}{p}> {v} ." for p, v in dims]
    if listed:
        out += [f"{node} <{PKG}region> {r} ." for r in sorted(regions)]
    out.append(f"{node} <{PKG}placeCount> {_integer(len(regions))} .")
    return out


def _rows(store: Store, sparql: str) -> list[list[str]]:
    """A SELECT's rows as SPARQL TSV terms: IRIs as ``<…>``, integers bare, strings quoted.

    Read from the TSV text the store writes in one go: decoding each term in Python took
    as long as the query.
    """
    text = store.query(sparql).serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")
    return [line.split("\t") for line in text.splitlines()[1:]]


def _pairs(store: Store) -> tuple[dict[str, int], list[str]]:
    """The pair totals over the corpus, and one per pair and place."""
    totals: dict[tuple[str, str], _Total] = defaultdict(_Total)
    out = []
    rows = _rows(store, _PAIRS)
    for fa, fb, region, count, first in rows:
        total = totals[fa, fb]
        total.count += int(count)
        total.regions.add(region)
        first = first[1:-1]  # the text of an IRI, quoted: no escapes in it; compared as text, as MIN(STR())
        total.first = first if total.first is None else min(total.first, first)
        dims = [
            ("functionA", fa),
            ("functionB", fb),
            ("count", _integer(int(count))),
            ("firstMeasure", f"<{first}>"),
        ]
        out += _lines(_node("PlacePairTotal", fa, fb, region), "PlacePairTotal", dims, {region})
    for (fa, fb), total in sorted(totals.items()):
        dims = [("functionA", fa), ("functionB", fb), ("count", _integer(total.count))]
        dims.append(("firstMeasure", f"<{total.first}>"))
        out += _lines(_node("PairTotal", fa, fb), "PairTotal", dims, total.regions)
    return {"PairTotal": len(totals), "PlacePairTotal": len(rows)}, out


def _topics(store: Store) -> tuple[dict[str, int], list[str]]:
    totals: dict[tuple[str, str, str, str], _Total] = defaultdict(_Total)
    for function, role, kind, topic, region, count in _rows(store, _TOPICS):
        total = totals[function, role, kind[1:-1].removeprefix(PKG), topic]
        total.count += int(count)
        total.regions.add(region)
    out = []
    for (function, role, kind, topic), total in sorted(totals.items()):
        dims = [("function", function), ("role", role), (kind, topic), ("count", _integer(total.count))]
        out += _lines(_node("TopicTotal", function, role, kind, topic), "TopicTotal", dims, total.regions)
    return {"TopicTotal": len(totals)}, out


def _instruments(store: Store) -> tuple[dict[str, int], list[str]]:
    first_years: dict[str, dict[str, int]] = defaultdict(dict)  # instrument → region → its first year
    for instrument, region, year in _rows(store, _INSTRUMENTS):
        first_years[instrument][region] = int(year)
    out = []
    for instrument, years in sorted(first_years.items()):
        node = _node("InstrumentTotal", instrument)
        first = min(years.values())
        dims = [("instrument", instrument), ("firstYear", _integer(first))]
        # not every adopter: two thirds of all the totals' triples, and no question lists them
        out += _lines(node, "InstrumentTotal", dims, set(years), listed=False)
        out += [f"{node} <{PKG}firstAdopter> {r} ." for r, y in sorted(years.items()) if y == first]
    return {"InstrumentTotal": len(first_years)}, out


_MAKERS = (_pairs, _topics, _instruments)


def refresh(store: Store) -> TotalsReport:
    """Compute every corpus total of ``store`` again and replace the totals graph with them, atomically."""
    started = time.monotonic()
    lines: list[str] = []
    counts: dict[str, int] = {}
    for make in _MAKERS:
        made, more = make(store)
        counts.update(made)
        lines += more
    lines.append(f"<{TOTALS_GRAPH}> <{TOTALS_FROM}> {ox.Literal(totals_version())} .")
    store.replace_graph(TOTALS_GRAPH, "\n".join(lines))
    return TotalsReport(counts=counts, seconds=time.monotonic() - started)


def current(store: Store) -> bool:
    """Whether the totals in ``store`` are those of its documents now, by this version of the code."""
    return store.totals_version() == totals_version()


def ensure(store: Store, *, force: bool = False) -> TotalsReport:
    """Bring the corpus totals up to date: recompute them unless they are current (or ``force``)."""
    if not force and current(store):
        return TotalsReport(skipped=True)
    return refresh(store)
