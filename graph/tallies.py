"""Tallies: a document's facts counted by the dimensions the corpus-wide questions group by.

A question such as ``campaign-measures`` or ``shared-responsibility`` groups
every fact of the corpus; at national scale (tens of millions of quads) that
join takes seconds. ``tally_lines`` counts one document's facts at build time
and writes the counts as a few ``pkg:Tally`` nodes into the document's own
graph, so a question sums a handful of tally rows per document instead, and
replacing or dropping a document replaces its tallies in the same transaction.

The counts are read from the triples the writer made (``_Writer.lines``, and
the department function of each actor it described), not recomputed from the facts:
a tally then counts exactly what a query over the facts would count, distinct
nodes per combination, whatever rules decided which triples to write. Every
tally node has its class, ``pkg:inDocument``, the dimensions (the same terms
the facts carry: campaign, year, status, function …, absent where the facts
have none) and ``pkg:count`` (xsd:integer); a ``pkg:InstrumentTally`` also
names every instrument of its adoptions, a ``pkg:PairTally`` the first of its
measures by IRI (``pkg:firstMeasure``), for the example sentence.
The region is the document's (every fact has its document's region), so a
question reaches it through ``pkg:inDocument``; tallies do not repeat it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from policykg.ontology.namespaces import PKG, RDF, XSD

_TYPE = f"<{RDF}type>"
_IN_DOCUMENT = f"<{PKG}inDocument>"
_COUNT = f"<{PKG}count>"
_FIRST_MEASURE = f"<{PKG}firstMeasure>"
_XSD_INT = f"<{XSD}integer>"


def _p(local: str) -> str:
    return f"<{PKG}{local}>"


_MEASURE, _TARGET, _RESULT, _ADOPTION, _ROLE, _CORESP = (
    _p(c)
    for c in ("Measure", "Target", "ReportedResult", "InstrumentAdoption", "ActorRole", "CoResponsibility")
)
_STATUS, _CAMPAIGN, _YEAR, _STRENGTH, _POLLUTANT, _INSTRUMENT = (
    _p(c) for c in ("status", "campaign", "year", "strength", "pollutant", "instrument")
)
_ACTOR, _ROLE_P, _FUNCTION, _OF_MEASURE, _FUNCTION_A, _FUNCTION_B = (
    _p(c) for c in ("actor", "role", "function", "ofMeasure", "functionA", "functionB")
)
# Only these triples of a document matter to a tally; the rest (spans, labels …) are skipped.
_READ = frozenset(
    {
        _TYPE,
        _STATUS,
        _CAMPAIGN,
        _YEAR,
        _STRENGTH,
        _POLLUTANT,
        _INSTRUMENT,
        _ACTOR,
        _ROLE_P,
        _OF_MEASURE,
        _FUNCTION_A,
        _FUNCTION_B,
    }
)

# A tally's key: (class local name, ((property, value) …)), values as N-Triples terms.
Key = tuple[str, tuple[tuple[str, str], ...]]


@dataclass(slots=True)
class Tally:
    """The nodes one tally counts, and the values a set tally names (``pkg:instrument`` …)."""

    nodes: set[str] = field(default_factory=set)
    values: set[tuple[str, str]] = field(default_factory=set)


class _Triples:
    """A document's triples as subject → property → values (sets: the store keeps one copy)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.of: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.members: dict[str, list[str]] = defaultdict(list)
        for line in lines:
            # "s p o .\n": subjects and properties are IRIs (no space), the object is the rest
            s, p, rest = line.split(" ", 2)
            if p in _READ:
                o = rest[:-3]
                values = self.of[s][p]
                if p == _TYPE and o not in values:
                    self.members[o].append(s)
                values.add(o)

    def get(self, s: str, p: str, optional: bool = True) -> Iterable[str | None]:
        """The values of ``p`` on ``s``; ``(None,)`` if it has none and ``optional`` (an OPTIONAL)."""
        values = self.of[s].get(p)
        if values:
            return sorted(values)
        return (None,) if optional else ()


def _dims(*pairs: tuple[str, str | None]) -> tuple[tuple[str, str], ...]:
    return tuple((p, v) for p, v in pairs if v is not None)


def count_facts(lines: Iterable[str], functions: dict[str, str]) -> dict[Key, Tally]:
    """Each tally of a document by its key, from the document's triples (N-Triples lines).

    ``functions`` maps an actor node to its department function concept (both
    N-Triples); the roles of an actor not in it are not counted.
    """
    t = _Triples(lines)
    out: dict[Key, Tally] = defaultdict(Tally)
    for m in t.members[_MEASURE]:
        for status in t.get(m, _STATUS, optional=False):
            for campaign in t.get(m, _CAMPAIGN):
                for year in t.get(m, _YEAR):
                    dims = _dims((_CAMPAIGN, campaign), (_YEAR, year), (_STATUS, status))
                    out["MeasureTally", dims].nodes.add(m)
    for x in t.members[_TARGET]:
        for campaign in t.get(x, _CAMPAIGN):
            for year in t.get(x, _YEAR):
                for strength in t.get(x, _STRENGTH):
                    dims = _dims((_CAMPAIGN, campaign), (_YEAR, year), (_STRENGTH, strength))
                    out["TargetTally", dims].nodes.add(x)
    for x in t.members[_RESULT]:
        out["ResultTally", ()].nodes.add(x)
    for a in t.members[_ADOPTION]:
        # one set of instruments per year, not a tally per instrument: a plan names fifty
        # instruments about once each, and six triples per instrument would be most of the tallies
        for year in t.get(a, _YEAR):
            tally = out["InstrumentTally", _dims((_YEAR, year))]
            tally.nodes.add(a)
            tally.values.update((_INSTRUMENT, i) for i in t.get(a, _INSTRUMENT, optional=False))
    for r in t.members[_ROLE]:
        for actor in t.get(r, _ACTOR, optional=False):
            if (function := functions.get(actor)) is None:
                continue
            roles = list(t.get(r, _ROLE_P, optional=False))
            for role in roles:
                out["RoleTally", ((_FUNCTION, function), (_ROLE_P, role))].nodes.add(r)
            for measure in t.get(r, _OF_MEASURE, optional=False):
                out["FunctionTally", ((_FUNCTION, function),)].nodes.add(measure)
                for role in roles:
                    for prop in (_CAMPAIGN, _POLLUTANT):
                        for topic in t.get(measure, prop, optional=False):
                            dims = ((_FUNCTION, function), (_ROLE_P, role), (prop, topic))
                            out["TopicTally", dims].nodes.add(measure)
    for e in t.members[_CORESP]:
        for fa in t.get(e, _FUNCTION_A, optional=False):
            for fb in t.get(e, _FUNCTION_B, optional=False):
                measures = t.get(e, _OF_MEASURE, optional=False)
                out["PairTally", ((_FUNCTION_A, fa), (_FUNCTION_B, fb))].nodes.update(measures)
    return out


def tally_lines(doc_iri: str, lines: Iterable[str], functions: dict[str, str]) -> list[str]:
    """The N-Triples lines of a document's tallies (``doc_iri`` bare, the rest as ``count_facts``).

    Tally IRIs are the document's IRI, ``/tally/`` and a number in key order,
    so the same facts give the same tallies.
    """
    doc = f"<{doc_iri}>"
    out = []
    for n, ((cls, dims), tally) in enumerate(sorted(count_facts(lines, functions).items())):
        node = f"<{doc_iri}/tally/{n}>"
        out.append(f"{node} {_TYPE} {_p(cls)} .\n")
        out.append(f"{node} {_IN_DOCUMENT} {doc} .\n")
        out.extend(f"{node} {p} {v} .\n" for p, v in (*dims, *sorted(tally.values)))
        out.append(f'{node} {_COUNT} "{len(tally.nodes)}"^^{_XSD_INT} .\n')
        if cls == "PairTally":
            # by the IRI's text, as SPARQL's MIN(STR(?measure)) compares them
            out.append(f"{node} {_FIRST_MEASURE} <{min(m[1:-1] for m in tally.nodes)}> .\n")
    return out
