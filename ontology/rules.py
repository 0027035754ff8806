"""SPARQL rules compiled from the OWL core: what `policykg build` materialises (graph/infer.py).

HermiT is far too slow for tens of thousands of documents, so the store is never
handed to a reasoner. Instead the axioms of ``core.ttl`` that add facts to data
are compiled, once, into SPARQL 1.1 CONSTRUCT queries that any store runs:

- a **property rule** per object property that has sub-properties or is
  transitive: every ``pkg:leadActor`` triple also as ``pkg:involvesActor``,
  every chain of ``pkg:parentRegion`` as ``pkg:withinRegion``;
- a **class rule** per named class that can gain members: through a subclass
  (``pkg:Target`` ⊑ ``pkg:QuantitativeStatement``), the domain or range of a
  property, or the definition of a defined class (``pkg:AirMeasure`` ≡
  ``pkg:Measure`` ⊓ (∃campaign.{blue_sky} ⊔ ∃pollutant.∃medium.{blue_sky})).

The class expressions the compiler understands are the ones an existential,
closed-world reading gets right: named classes, ``intersectionOf``,
``unionOf``, ``oneOf``, ``hasValue``, ``someValuesFrom`` and minimum
(qualified) cardinality. Anything else in an ``owl:equivalentClass``
(``allValuesFrom``, maximum cardinalities, complements, inverse properties)
raises ``RuleError``: its open-world meaning cannot be materialised by a query.
A defined class may not use another defined class in its definition (none
does; the compiler says so if one ever does).

Two readings differ from OWL's, on purpose, and tests/test_reasoning.py checks
that HermiT agrees with the rules on the bundled plans all the same:

- **Unique names.** A minimum cardinality counts distinct IRIs. OWL needs to be
  told that distinct IRIs are distinct individuals; graph/iris.py mints one IRI
  per body (function and region), so the reasoning sample states
  ``owl:AllDifferent`` for the departments.
- **Asserted input only.** The rules never read the inferred graphs they write
  (``INFERRED_GRAPH`` and every ``INFERRED_GRAPH/…`` of a document), so a
  replaced document's old inferences cannot keep themselves alive (an old
  ``pkg:involvesActor`` would otherwise derive itself again). On a built store a
  pattern on something a rule writes (``rdf:type``, ``pkg:involvesActor``,
  ``pkg:withinRegion`` …) reads ``GRAPH ?g { … }`` with ``?g`` off the inferred
  graphs; any other pattern reads the union of the graphs as it is, which is
  the same thing and several times quicker. Such a transitive chain is followed
  within one graph (the region chain lives in the places graph, the pollutant
  hierarchy in the ontology graph). "Not yet asserted" is a ``MINUS`` over the
  asserted graphs. ``exclude_graph=None`` compiles the same rules for a store
  that holds asserted triples only (a store of the shared graphs alone, or of
  test data): plain patterns, no graph filters. One document's rules are not
  run as queries: ``ontology/evaluate.py`` computes the same rules in Python.

Some entailments are left out on purpose (``NOT_MATERIALISED``), because each
would store one more triple per fact for no question that needs it:

- every object of ``pkg:span`` is an ``oa:TextPositionSelector`` and an
  ``oa:TextQuoteSelector`` by the range of ``pkg:span``; graph/build.py no
  longer asserts those two types (they were about a seventh of a document's
  triples, issue 7), and writing them into the inferred graph would store
  them again. A query reaches a span by ``pkg:span``.
- ``pkg:inDocument`` is a sub-property of ``prov:wasDerivedFrom``, so every
  fact is ``prov:wasDerivedFrom`` its document and, being a measure, target,
  document …, a ``prov:Entity``: about 540 of a generated plan's 820 inferred triples.
  The PROV terms say what the project's terms mean to outside tools (and a
  reasoner still entails them); a query of this store asks ``pkg:inDocument``.

HermiT still entails all of these, and tests/test_reasoning.py checks that the
rules derive everything else it entails and nothing it does not.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node, URIRef

from policykg.errors import PolicyKGError
from policykg.ontology.namespaces import INFERRED_GRAPH, OA, PREFIXES, PROV
from policykg.ontology.vocab import vocab_dir

# Classes and properties the core entails members of that the inferred graph does not hold
# (see above): one triple per fact each.
NOT_MATERIALISED: frozenset[str] = frozenset(
    {OA + "TextPositionSelector", OA + "TextQuoteSelector", PROV + "Entity", PROV + "wasDerivedFrom"}
)


class RuleError(PolicyKGError):
    """An axiom the rule compiler cannot turn into a query."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One CONSTRUCT query that derives the members of a class or the pairs of a property."""

    name: str  # the head, prefixed: pkg:AirMeasure, pkg:involvesActor
    head: str  # IRI of the class or property
    kind: str  # "class" or "property"
    sparql: str
    defined: bool = False  # a class with an owl:equivalentClass definition


def short(iri: str) -> str:
    """An IRI with the project's prefixes (pkg:Measure), or in angle brackets."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri[len(namespace) :].replace("_", "").isalnum():
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


class TBox:
    """The axioms of the core that rules need, read once from its Turtle."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.classes = {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        self.object_properties = {
            p for p in graph.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)
        }
        self.datatype_properties = {
            p for p in graph.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(p, URIRef)
        }
        self.transitive = {p for p in graph.subjects(RDF.type, OWL.TransitiveProperty)}
        self.sub_properties: dict[URIRef, set[URIRef]] = {}
        for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
            self.sub_properties.setdefault(sup, set()).add(sub)
        self.definitions: dict[URIRef, Node] = {}
        self._ancestors: dict[URIRef, frozenset[URIRef]] = {}
        self.parents: dict[URIRef, set[URIRef]] = {c: set() for c in self.classes}
        for cls in self.classes:
            for sup in graph.objects(cls, RDFS.subClassOf):
                self.parents[cls] |= self.named_parts(sup)
            for expr in graph.objects(cls, OWL.equivalentClass):
                if isinstance(expr, URIRef):
                    self.parents[cls].add(expr)
                    self.parents.setdefault(expr, set()).add(cls)
                else:
                    self.definitions[cls] = expr
                    self.parents[cls] |= self.named_parts(expr)
        for prop in graph.subjects(OWL.inverseOf, None):
            raise RuleError(f"{short(str(prop))}: owl:inverseOf is not supported by the rule compiler")
        for prop in graph.subjects(OWL.propertyChainAxiom, None):
            raise RuleError(f"{short(str(prop))}: property chains are not supported by the rule compiler")

    # -- the class hierarchy -----------------------------------------------------
    def named_parts(self, expr: Node) -> set[URIRef]:
        """Named classes an expression is always a subclass of (itself, or its intersection's operands)."""
        if isinstance(expr, URIRef):
            return {expr}
        members = self.graph.value(expr, OWL.intersectionOf)
        if members is None:
            return set()
        return set().union(*(self.named_parts(m) for m in Collection(self.graph, members)))

    def ancestors(self, cls: URIRef) -> frozenset[URIRef]:
        """Every named class ``cls`` is a subclass of, itself included."""
        if cls not in self._ancestors:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self.parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self._ancestors[cls] = frozenset(seen)
        return self._ancestors[cls]

    def descendants(self, cls: URIRef) -> list[URIRef]:
        """Every named class that is a subclass of ``cls``, itself included, sorted."""
        return sorted(c for c in self.parents if cls in self.ancestors(c))

    def entailed_by(self, expr: Node) -> set[URIRef]:
        """Named classes every member of the expression belongs to."""
        return set().union(set(), *(self.ancestors(c) for c in self.named_parts(expr)))

    # -- properties ----------------------------------------------------------------
    def path(self, prop: URIRef, seen: frozenset[URIRef] = frozenset()) -> str:
        """A SPARQL property path for every pair the property holds of: its sub-properties, closed if transitive."""
        if prop in seen:
            raise RuleError(f"{short(str(prop))}: the sub-property hierarchy has a cycle")
        alternatives = [f"<{prop}>"] + [
            self.path(sub, seen | {prop}) for sub in sorted(self.sub_properties.get(prop, ()))
        ]
        expr = alternatives[0] if len(alternatives) == 1 else "(" + "|".join(alternatives) + ")"
        return f"({expr})+" if prop in self.transitive else expr

    def properties_with(self, axiom: URIRef) -> list[tuple[URIRef, Node]]:
        """(property, class expression) for every rdfs:domain or rdfs:range axiom."""
        props = self.object_properties | self.datatype_properties
        return sorted((p, c) for p, c in self.graph.subject_objects(axiom) if p in props)


def _alternatives(path: str) -> list[str]:
    """The top-level alternatives of a property path ``(a|b|(c|d)+)``, or the path itself."""
    if not (path.startswith("(") and path.endswith(")")):
        return [path]
    depth, parts, start = 0, [], 1
    for i, char in enumerate(path):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and i != len(path) - 1:
                return [path]  # "(…)+": one transitive path, not an alternation
        elif char == "|" and depth == 1:
            parts.append(path[start:i])
            start = i + 1
    parts.append(path[start:-1])
    return parts


class _Compiler:
    """Class expressions to SPARQL group patterns over the asserted graphs."""

    def __init__(self, tbox: TBox, exclude_graph: str | None) -> None:
        self.tbox = tbox
        self.exclude = exclude_graph
        self.counter = itertools.count()
        # what a rule may write into the inferred graph: types, and the properties with a rule
        self.derived = {
            f"<{p}>" for p in tbox.object_properties if tbox.sub_properties.get(p) or p in tbox.transitive
        }

    def var(self, stem: str) -> str:
        return f"?{stem}{next(self.counter)}"

    def match(self, s: str, path: str, o: str) -> str:
        """One triple pattern or path, as asserted: from any graph but the inferred ones.

        A pattern no rule can write (pkg:campaign, pkg:medium …) reads the union of the
        graphs as it is, which is the same and much quicker; one that a rule writes
        (rdf:type, pkg:involvesActor …) is kept off the inferred graph explicitly.
        """
        if self.exclude is None:  # a store of asserted triples only: nothing to keep off
            return f"{s} {path} {o} ."
        alternatives = _alternatives(path)
        if len(alternatives) > 1:  # each alternative on its own: most need no graph filter
            return self.union([self.match(s, a, o) for a in alternatives])
        if path != "a" and not any(iri in self.derived for iri in re.findall(r"<[^>]+>", path)):
            return f"{s} {path} {o} ."
        g = self.var("g")
        return f"GRAPH {g} {{ {s} {path} {o} }} {self.off_inferred(g)}"

    def off_inferred(self, g: str) -> str:
        """Keeps ``g`` off the inferred graphs: the shared one and every document's (``INFERRED_GRAPH/…``)."""
        return f'FILTER (!STRSTARTS(STR({g}), "{self.exclude}"))'

    def asserted(self, x: str, p: str, o: str) -> str:
        """Not asserted in any graph but the inferred ones.

        MINUS, not FILTER NOT EXISTS: the same here (the variables are shared), and
        Oxigraph answers it several times faster on a large store.
        """
        if self.exclude is None:
            return f"MINUS {{ {x} {p} {o} }}"
        g = self.var("g")
        return f"MINUS {{ GRAPH {g} {{ {x} {p} {o} }} {self.off_inferred(g)} }}"

    @staticmethod
    def union(patterns: list[str]) -> str:
        if len(patterns) == 1:
            return patterns[0]
        return " UNION ".join(f"{{ {p} }}" for p in patterns)

    def members(self, cls: URIRef, x: str, *, definitions: bool, strict: bool = False) -> list[str]:
        """Alternative patterns by which ``x`` is a member of the named class.

        ``strict`` leaves out the asserted type ``cls`` itself (a rule's head), and
        ``definitions`` adds the definitions of defined subclasses (never inside a
        definition: a defined class may not be defined through another).
        """
        tbox = self.tbox
        alternatives = []
        types = [c for c in tbox.descendants(cls) if not (strict and c == cls)]
        if types:
            t = self.var("t")
            values = " ".join(f"<{c}>" for c in types)
            alternatives.append(f"VALUES {t} {{ {values} }} {self.match(x, 'a', t)}")
        for prop, domain in tbox.properties_with(RDFS.domain):
            if cls in tbox.entailed_by(domain):
                alternatives.append(self.match(x, tbox.path(prop), self.var("o")))
        for prop, range_ in tbox.properties_with(RDFS.range):
            if prop in tbox.object_properties and cls in tbox.entailed_by(range_):
                alternatives.append(self.match(self.var("s"), tbox.path(prop), x))
        if definitions:
            for defined in sorted(tbox.definitions):
                # A definition that requires a named class under ``cls`` adds no member
                # the alternatives above do not already give: leave it out of the query.
                required = tbox.named_parts(tbox.definitions[defined])
                if cls in tbox.ancestors(defined) and not any(cls in tbox.ancestors(r) for r in required):
                    alternatives.append(self.expression(tbox.definitions[defined], x))
        return alternatives

    def expression(self, expr: Node, x: str) -> str:
        """A group pattern true of ``x`` when it belongs to the class expression."""
        g, tbox = self.tbox.graph, self.tbox
        if isinstance(expr, URIRef):
            if expr == OWL.Thing:
                return f"FILTER (isIRI({x}))"
            if expr in tbox.definitions:
                raise RuleError(f"{short(str(expr))} is a defined class used inside a definition")
            return self.union(self.members(expr, x, definitions=False))
        if (members := g.value(expr, OWL.intersectionOf)) is not None:
            # The restrictions find the candidates; named classes only test them (EXISTS stops at
            # the first way of being a member, where a join would enumerate every way).
            operands = list(Collection(g, members))
            finders = [m for m in operands if not isinstance(m, URIRef)] or operands[:1]
            tests = [m for m in operands if m not in finders]
            parts = [f"{{ {self.expression(m, x)} }}" for m in finders]
            parts += [f"FILTER EXISTS {{ {self.expression(m, x)} }}" for m in tests]
            return " ".join(parts)
        if (members := g.value(expr, OWL.unionOf)) is not None:
            return self.union([self.expression(m, x) for m in Collection(g, members)])
        if (members := g.value(expr, OWL.oneOf)) is not None:
            values = " ".join(f"<{m}>" for m in Collection(g, members))
            return f"VALUES {x} {{ {values} }}"
        prop = g.value(expr, OWL.onProperty)
        if not isinstance(prop, URIRef):
            raise RuleError(f"unsupported class expression {expr!r} (no onProperty)")
        path = tbox.path(prop)
        if (value := g.value(expr, OWL.hasValue)) is not None:
            return self.match(x, path, f"<{value}>")
        if (filler := g.value(expr, OWL.someValuesFrom)) is not None:
            y = self.var("y")
            return f"{self.match(x, path, y)} {{ {self.expression(filler, y)} }}"
        for card, cls in ((OWL.minQualifiedCardinality, OWL.onClass), (OWL.minCardinality, None)):
            if (n := g.value(expr, card)) is not None:
                filler = g.value(expr, cls) if cls is not None else OWL.Thing
                y = self.var("y")
                inner = f"{self.match(x, path, y)} {{ {self.expression(filler or OWL.Thing, y)} }}"
                return f"{{ SELECT {x} WHERE {{ {inner} }} GROUP BY {x} HAVING (COUNT(DISTINCT {y}) >= {int(n)}) }}"
        raise RuleError(
            f"unsupported restriction on {short(str(prop))}: only hasValue, someValuesFrom and "
            "minimum (qualified) cardinality can be materialised"
        )


def _construct(head: str, body: str) -> str:
    return f"CONSTRUCT {{ {head} }}\nWHERE {{\n  {body}\n}}"


def compile_rules(
    tbox: TBox, exclude_graph: str | None = INFERRED_GRAPH, skip: frozenset[str] = NOT_MATERIALISED
) -> list[Rule]:
    """Every rule of the TBox: properties first, then classes, each in IRI order; none for the
    classes and properties in ``skip``.

    The rules read every graph but those whose IRI starts with ``exclude_graph`` (the
    inferred graphs of a built store); with None, every triple of the store, as one in
    which nothing is inferred yet.
    """
    compiler = _Compiler(tbox, exclude_graph)
    out: list[Rule] = []
    for prop in sorted(tbox.object_properties):
        if str(prop) in skip or (not tbox.sub_properties.get(prop) and prop not in tbox.transitive):
            continue
        body = (
            f"{compiler.match('?s', tbox.path(prop), '?o')}\n  FILTER (isIRI(?s) && isIRI(?o))\n  "
            f"{compiler.asserted('?s', f'<{prop}>', '?o')}"
        )
        out.append(Rule(short(str(prop)), str(prop), "property", _construct(f"?s <{prop}> ?o", body)))
    for cls in sorted(tbox.classes):
        if str(cls) in skip:
            continue
        alternatives = compiler.members(cls, "?x", definitions=True, strict=True)
        if not alternatives:
            continue
        # DISTINCT first: a node is found once per way of being a member, checked once
        body = (
            f"{{ SELECT DISTINCT ?x WHERE {{ {compiler.union(alternatives)} }} }}\n  FILTER (isIRI(?x))\n  "
            f"{compiler.asserted('?x', 'a', f'<{cls}>')}"
        )
        out.append(
            Rule(
                short(str(cls)),
                str(cls),
                "class",
                _construct(f"?x a <{cls}>", body),
                defined=cls in tbox.definitions,
            )
        )
    return out


def core_file() -> Path:
    """``core.ttl`` of the installed package."""
    return vocab_dir().parent / "core.ttl"


@cache
def _tbox(path: str) -> TBox:
    return TBox(rdflib.Graph().parse(path, format="turtle"))


def core_tbox(core: Path | str | None = None) -> TBox:
    """The TBox of the core (``core.ttl`` of the package, or the file given), read once a process."""
    return _tbox(str(core or core_file()))


def rules(core: Path | str | None = None, exclude_graph: str | None = INFERRED_GRAPH) -> list[Rule]:
    """The rules of the core (``core.ttl`` of the package, or the file given); see ``compile_rules``."""
    return compile_rules(core_tbox(core), exclude_graph)


@cache
def rules_digest(core: Path | str | None = None) -> str:
    """A digest of the rules compiled from the core: part of every document's build version,
    since a document's graph carries what the rules derive from it."""
    text = "\n".join(rule.sparql for rule in rules(core, exclude_graph=None))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def defined_classes(core: Path | str | None = None) -> list[str]:
    """IRIs of the classes with an ``owl:equivalentClass`` definition."""
    return sorted(str(c) for c in core_tbox(core).definitions)
