"""The rules of ``rules.py``, evaluated in Python over a few thousand triples: one document's.

``compile_rules`` turns the OWL core into SPARQL CONSTRUCT queries; a store
runs them. For a single document (graph/infer.py) loading its triples into a
store cost more than running the queries, so ``RuleEvaluator`` computes the
same rules straight from the ``TBox`` over the triples as N-Triples strings:

- a **property rule** (``pkg:involvesActor``, the transitive
  ``pkg:withinRegion``): the pairs of the property path ``TBox.path`` spells,
  its own pairs and those of its sub-properties, closed if transitive;
- a **class rule**: the members ``_Compiler.members(cls, definitions=True,
  strict=True)`` finds (asserted types of subclasses, subjects and objects of
  properties with a domain or range under the class, the definitions of
  defined subclasses), each class expression read as its query reads it;

both less what is asserted, IRIs only. The readings are the query's, down to
its corners: ``owl:Thing`` as a test is "an IRI", but a group that only tests
``owl:Thing`` binds nothing, so ``someValuesFrom owl:Thing`` and an unqualified
minimum cardinality find no member, and a minimum cardinality counts distinct
terms (unique names). What the compiler refuses (``allValuesFrom``, a defined
class inside a definition, a cycle of sub-properties …) this refuses with the
same ``RuleError``. tests/test_evaluate.py checks that both derive the same
triples.

A term is kept as its N-Triples text (``<iri>``, ``_:b``, ``"literal"…``), as
graph/build.py writes it; a triple is a tuple of three such strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node, URIRef

from policykg.ontology.rules import NOT_MATERIALISED, RuleError, TBox, short

Triple = tuple[str, str, str]
_TYPE = f"<{RDF.type}>"


class Triples:
    """A set of triples indexed for the rules: pairs by predicate, subjects by type."""

    def __init__(self, base: Triples | None = None) -> None:
        """Empty, or a copy of ``base`` (the ontology's triples, indexed once) to add a document to."""
        self.pairs: dict[str, set[tuple[str, str]]] = {}
        self.typed: dict[str, set[str]] = {}  # class -> subjects asserted of that type
        if base is not None:
            self.pairs = {p: set(pairs) for p, pairs in base.pairs.items()}
            self.typed = {c: set(subjects) for c, subjects in base.typed.items()}

    def add(self, triples: Iterable[Triple]) -> Triples:
        """Adds the triples; returns self."""
        for s, p, o in triples:
            if p == _TYPE:
                self.typed.setdefault(o, set()).add(s)
            else:
                self.pairs.setdefault(p, set()).add((s, o))
        return self

    def add_ntriples(self, text: str, predicates: frozenset[str]) -> Triples:
        """Adds the triples of N-Triples text whose predicate is one of ``predicates``; returns self.

        The text has one ``<s> <p> o .`` a line, as graph/build.py writes it: split on the
        first two spaces (a literal object may hold spaces), not validated (the store
        parses a document strictly when it writes it).
        """
        pairs, typed = self.pairs, self.typed
        for line in text.splitlines():
            if not line:
                continue
            s, p, rest = line.split(" ", 2)
            if p not in predicates:
                continue
            o = rest[:-2] if rest.endswith(" .") else rest.rstrip()[:-1].rstrip()
            if p == _TYPE:
                if (subjects := typed.get(o)) is None:
                    typed[o] = subjects = set()
                subjects.add(s)
            else:
                if (found := pairs.get(p)) is None:
                    pairs[p] = found = set()
                found.add((s, o))
        return self


# -- the rules as a plan: the TBox read once ---------------------------------------------------


@dataclass(eq=False, slots=True)
class _Path:
    """A property and the paths of its sub-properties (``TBox.path``), closed if transitive."""

    prop: str
    alternatives: tuple[_Path, ...]
    transitive: bool


@dataclass(eq=False, slots=True)
class _Named:
    """The members of a named class in a definition: ``_Compiler.members(definitions=False)``."""

    types: tuple[str, ...]  # asserted types: the class and its subclasses
    domain: tuple[_Path, ...]  # properties whose subjects are members
    range: tuple[_Path, ...]  # properties whose objects are members


@dataclass(eq=False, slots=True)
class _Thing:
    """``owl:Thing``: an IRI, as a test; as a group on its own it binds nothing."""


@dataclass(eq=False, slots=True)
class _And:
    """``intersectionOf``: the candidates the restrictions find, tested by the named classes."""

    finders: tuple[_Expression, ...]  # expressions whose members are the candidates (joined)
    tests: tuple[_Expression, ...]  # named classes that test them


@dataclass(eq=False, slots=True)
class _Or:
    """``unionOf``."""

    parts: tuple[_Expression, ...]


@dataclass(eq=False, slots=True)
class _OneOf:
    """``oneOf``: the IRIs listed, whatever the data."""

    values: tuple[str, ...]


@dataclass(eq=False, slots=True)
class _HasValue:
    """``hasValue``: a path to the value."""

    path: _Path
    value: str


@dataclass(eq=False, slots=True)
class _Some:
    """``someValuesFrom``: a path to a member of the filler."""

    path: _Path
    filler: _Expression


@dataclass(eq=False, slots=True)
class _Min:
    """Minimum (qualified) cardinality: paths to at least ``n`` distinct members of the filler."""

    path: _Path
    filler: _Expression
    n: int


_Expression = _Named | _Thing | _And | _Or | _OneOf | _HasValue | _Some | _Min


@dataclass(eq=False, slots=True)
class _ClassRule:
    """A class rule: the members of the class, then those of the definitions the query includes."""

    named: _Named  # members without definitions; its asserted type of the head is subtracted anyway
    definitions: tuple[_Expression, ...]  # the definitions of defined subclasses the query includes


class RuleEvaluator:
    """Every rule ``compile_rules(tbox, skip=skip)`` makes, evaluated in Python over ``Triples``."""

    def __init__(self, tbox: TBox, skip: frozenset[str] = NOT_MATERIALISED) -> None:
        self.tbox = tbox
        self._paths: dict[URIRef, _Path] = {}
        self._named: dict[URIRef, _Named] = {}
        self.property_rules: dict[str, _Path] = {}  # head <iri> -> its path
        for prop in sorted(tbox.object_properties):
            if str(prop) not in skip and (tbox.sub_properties.get(prop) or prop in tbox.transitive):
                self.property_rules[f"<{prop}>"] = self._path(prop)
        self.class_rules: dict[str, _ClassRule] = {}
        for cls in sorted(tbox.classes):
            if str(cls) in skip:
                continue
            named = self._members(cls)
            definitions = tuple(
                self._expression(tbox.definitions[defined])
                for defined in sorted(tbox.definitions)
                if cls in tbox.ancestors(defined)
                and not any(cls in tbox.ancestors(r) for r in tbox.named_parts(tbox.definitions[defined]))
            )
            if len(named.types) > 1 or named.domain or named.range or definitions:  # a rule, as compiled
                self.class_rules[f"<{cls}>"] = _ClassRule(named, definitions)
        self.predicates: frozenset[str] = frozenset({_TYPE, *self._read()})
        """Every predicate a rule reads: other triples can be left out of ``Triples``."""

    @property
    def heads(self) -> list[str]:
        """The head of every rule (``<iri>`` of its property or class)."""
        return [*self.property_rules, *self.class_rules]

    # -- compiling the TBox ------------------------------------------------------------------
    def _read(self) -> set[str]:
        """The properties of every path compiled."""
        out: set[str] = set()
        todo = list(self._paths.values())
        while todo:
            path = todo.pop()
            out.add(path.prop)
            todo.extend(path.alternatives)
        return out

    def _path(self, prop: URIRef, seen: frozenset[URIRef] = frozenset()) -> _Path:
        if prop in seen:
            raise RuleError(f"{short(str(prop))}: the sub-property hierarchy has a cycle")
        if prop not in self._paths:
            subs = tuple(
                self._path(sub, seen | {prop}) for sub in sorted(self.tbox.sub_properties.get(prop, ()))
            )
            self._paths[prop] = _Path(f"<{prop}>", subs, prop in self.tbox.transitive)
        return self._paths[prop]

    def _members(self, cls: URIRef) -> _Named:
        if cls not in self._named:
            tbox = self.tbox
            self._named[cls] = _Named(
                tuple(f"<{c}>" for c in tbox.descendants(cls)),
                tuple(
                    self._path(p) for p, d in tbox.properties_with(RDFS.domain) if cls in tbox.entailed_by(d)
                ),
                tuple(
                    self._path(p)
                    for p, r in tbox.properties_with(RDFS.range)
                    if p in tbox.object_properties and cls in tbox.entailed_by(r)
                ),
            )
        return self._named[cls]

    def _expression(self, expr: Node) -> _Expression:
        """The plan of a class expression: ``_Compiler.expression``, case by case, errors included."""
        g, tbox = self.tbox.graph, self.tbox
        if isinstance(expr, URIRef):
            if expr == OWL.Thing:
                return _Thing()
            if expr in tbox.definitions:
                raise RuleError(f"{short(str(expr))} is a defined class used inside a definition")
            return self._members(expr)
        if (members := g.value(expr, OWL.intersectionOf)) is not None:
            operands = list(Collection(g, members))
            finders = [m for m in operands if not isinstance(m, URIRef)] or operands[:1]
            tests = [m for m in operands if m not in finders]
            return _And(tuple(map(self._expression, finders)), tuple(map(self._expression, tests)))
        if (members := g.value(expr, OWL.unionOf)) is not None:
            return _Or(tuple(map(self._expression, Collection(g, members))))
        if (members := g.value(expr, OWL.oneOf)) is not None:
            return _OneOf(tuple(f"<{m}>" for m in Collection(g, members)))
        prop = g.value(expr, OWL.onProperty)
        if not isinstance(prop, URIRef):
            raise RuleError(f"unsupported class expression {expr!r} (no onProperty)")
        path = self._path(prop)
        if (value := g.value(expr, OWL.hasValue)) is not None:
            return _HasValue(path, f"<{value}>")
        if (filler := g.value(expr, OWL.someValuesFrom)) is not None:
            return _Some(path, self._expression(filler))
        for card, cls in ((OWL.minQualifiedCardinality, OWL.onClass), (OWL.minCardinality, None)):
            if (n := g.value(expr, card)) is not None:
                filler = g.value(expr, cls) if cls is not None else OWL.Thing
                return _Min(path, self._expression(filler or OWL.Thing), int(n))
        raise RuleError(
            f"unsupported restriction on {short(str(prop))}: only hasValue, someValuesFrom and "
            "minimum (qualified) cardinality can be materialised"
        )

    # -- evaluating ----------------------------------------------------------------------------
    def derive(self, triples: Triples, heads: Iterable[str] | None = None) -> set[Triple]:
        """What the rules (those with the given heads, or all) derive from ``triples``, less what they assert."""
        return _Evaluation(triples).run(self, self.heads if heads is None else heads)


class _Evaluation:
    """The rules over one set of triples, each path's pairs and expression's members computed once."""

    def __init__(self, triples: Triples) -> None:
        self.triples = triples
        self.memo: dict[int, set] = {}  # id of a plan node -> its pairs or members

    def run(self, evaluator: RuleEvaluator, heads: Iterable[str]) -> set[Triple]:
        out: set[Triple] = set()
        typed = self.triples.typed
        for head in heads:
            if (path := evaluator.property_rules.get(head)) is not None:
                asserted = self.triples.pairs.get(head, set())
                out.update(
                    (s, head, o)
                    for s, o in self.pairs(path)
                    if s[0] == "<" and o[0] == "<" and (s, o) not in asserted
                )
                continue
            rule = evaluator.class_rules[head]
            members = set(self.members(rule.named))
            for definition in rule.definitions:
                members |= self.members(definition)
            members -= typed.get(head, set())
            out.update((x, _TYPE, head) for x in members if x[0] == "<")
        return out

    def pairs(self, path: _Path) -> set[tuple[str, str]]:
        """Every (subject, object) the path holds of."""
        key = id(path)
        if (found := self.memo.get(key)) is None:
            found = set(self.triples.pairs.get(path.prop, ()))
            for sub in path.alternatives:
                found |= self.pairs(sub)
            if path.transitive:
                found = _closure(found)
            self.memo[key] = found
        return found

    def members(self, expr: _Expression) -> set[str]:
        """Every term the expression's group pattern binds ``?x`` to."""
        key = id(expr)
        if (found := self.memo.get(key)) is None:
            found = self._members(expr)
            self.memo[key] = found
        return found

    def _members(self, expr: _Expression) -> set[str]:
        if isinstance(expr, _Named):
            found: set[str] = set()
            for cls in expr.types:
                found |= self.triples.typed.get(cls, set())
            for path in expr.domain:
                found.update(s for s, _ in self.pairs(path))
            for path in expr.range:
                found.update(o for _, o in self.pairs(path))
            return found
        if isinstance(expr, _Thing):
            return set()  # { FILTER (isIRI(?x)) } alone: ?x unbound, no solution
        if isinstance(expr, _And):
            found = set.intersection(*(self.members(f) for f in expr.finders))
            for test in expr.tests:
                found = {x for x in found if self.holds(test, x)}
            return found
        if isinstance(expr, _Or):
            return set().union(*(self.members(p) for p in expr.parts))
        if isinstance(expr, _OneOf):
            return set(expr.values)
        if isinstance(expr, _HasValue):
            return {s for s, o in self.pairs(expr.path) if o == expr.value}
        if isinstance(expr, _Some):
            fillers = self.members(expr.filler)
            return {s for s, o in self.pairs(expr.path) if o in fillers}
        if isinstance(expr, _Min):
            fillers = self.members(expr.filler)
            counts: dict[str, int] = {}
            for s, o in self.pairs(expr.path):
                if o in fillers:
                    counts[s] = counts.get(s, 0) + 1
            return {s for s, n in counts.items() if n >= expr.n}
        raise TypeError(f"not a class expression plan: {expr!r}")

    def holds(self, expr: _Expression, x: str) -> bool:
        """``FILTER EXISTS`` of the expression with ``?x`` bound."""
        if isinstance(expr, _Thing):
            return x[0] == "<"
        return x in self.members(expr)


def _closure(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pairs of ``(p)+``: joined by one or more steps."""
    successors: dict[str, set[str]] = {}
    for s, o in pairs:
        successors.setdefault(s, set()).add(o)
    out = set()
    for start in successors:
        seen: set[str] = set()
        todo = list(successors[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(successors.get(node, ()))
        out.update((start, node) for node in seen)
    return out
