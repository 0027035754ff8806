"""Read the SKOS vocabularies in ``ontology/vocab/*.ttl`` into lookup tables.

The vocabularies are the one source of labels and synonyms: the extractor
builds its dictionaries from them and the query layer reads the same
concepts from the store. A concept's *match labels* are its ``prefLabel`` and
``altLabel`` in Chinese (``@zh``) and every ``hiddenLabel`` (SKOS's label for
text matching: abbreviations such as ``VOCs``, spellings such as ``ug/m3``).
English labels are for display.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SKOS

from policykg.ontology.namespaces import PKG, VOCAB


@dataclass(frozen=True, slots=True)
class Concept:
    """One SKOS concept, addressed by its notation (``code``)."""

    iri: str
    code: str
    scheme: str
    pref_zh: str
    pref_en: str
    labels: tuple[str, ...]  # match labels, see module docstring
    broader: tuple[str, ...] = ()  # codes of broader concepts in the same scheme
    # other pkg: properties, local name -> values (codes of concepts or literals)
    props: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def prop(self, name: str) -> str | None:
        values = self.props.get(name)
        return values[0] if values else None


@dataclass(slots=True)
class Vocabulary:
    """The concepts of one scheme, with label lookup."""

    scheme: str
    concepts: dict[str, Concept]

    def __getitem__(self, code: str) -> Concept:
        return self.concepts[code]

    def __contains__(self, code: object) -> bool:
        return code in self.concepts

    def __iter__(self):
        return iter(self.concepts.values())

    def __len__(self) -> int:
        return len(self.concepts)

    def label_index(self) -> dict[str, str]:
        """Every match label -> concept code (the first concept wins a shared label)."""
        index: dict[str, str] = {}
        for concept in self.concepts.values():
            for label in concept.labels:
                index.setdefault(label, concept.code)
        return index

    def ancestors(self, code: str) -> list[str]:
        """Codes of all broader concepts, nearest first."""
        out: list[str] = []
        todo = list(self.concepts[code].broader) if code in self.concepts else []
        while todo:
            c = todo.pop(0)
            if c not in out:
                out.append(c)
                todo.extend(self.concepts[c].broader if c in self.concepts else ())
        return out


def vocab_dir() -> Path:
    """Folder of the vocabulary Turtle files (inside the installed package)."""
    return Path(str(resources.files("policykg.ontology"))) / "vocab"


def _literal_texts(graph: rdflib.Graph, subject, predicate, lang: str | None) -> list[str]:
    out = []
    for o in graph.objects(subject, predicate):
        if isinstance(o, rdflib.Literal) and (lang is None or o.language == lang):
            out.append(str(o))
    return sorted(out)


def _parse_scheme(path: Path) -> Vocabulary:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    scheme = path.stem
    prefix = f"{VOCAB}{scheme}/"
    concepts: dict[str, Concept] = {}
    for subject in sorted(set(graph.subjects(RDF.type, SKOS.Concept))):
        iri = str(subject)
        if not iri.startswith(prefix):
            continue
        notation = graph.value(subject, SKOS.notation)
        code = str(notation) if notation is not None else iri[len(prefix) :]
        pref_zh = _literal_texts(graph, subject, SKOS.prefLabel, "zh")
        pref_en = _literal_texts(graph, subject, SKOS.prefLabel, "en")
        labels = [*pref_zh, *_literal_texts(graph, subject, SKOS.altLabel, "zh")]
        labels += _literal_texts(graph, subject, SKOS.hiddenLabel, None)
        broader = tuple(str(b) for b in graph.objects(subject, SKOS.broader) if str(b).startswith(prefix))
        props: dict[str, list[str]] = {}
        for p, o in graph.predicate_objects(subject):
            if str(p).startswith(PKG):
                props.setdefault(str(p)[len(PKG) :], []).append(str(o))
        concepts[code] = Concept(
            iri=iri,
            code=code,
            scheme=scheme,
            pref_zh=pref_zh[0] if pref_zh else code,
            pref_en=pref_en[0] if pref_en else code,
            labels=tuple(dict.fromkeys(label for label in labels if label)),
            broader=broader,
            props={k: tuple(v) for k, v in props.items()},
        )
    return Vocabulary(scheme=scheme, concepts=concepts)


def _notations(vocabs: dict[str, Vocabulary]) -> dict[str, Vocabulary]:
    """Concept-valued links (``skos:broader``, ``pkg:medium`` ...) as notations, not IRIs.

    Done once every scheme is read, since a link may point into another scheme
    and a notation may differ from the IRI's last segment (units, comparators).
    """
    code_of = {c.iri: c.code for v in vocabs.values() for c in v}
    for vocab in vocabs.values():
        for code, c in vocab.concepts.items():
            vocab.concepts[code] = Concept(
                iri=c.iri,
                code=c.code,
                scheme=c.scheme,
                pref_zh=c.pref_zh,
                pref_en=c.pref_en,
                labels=c.labels,
                broader=tuple(sorted(code_of.get(b, b) for b in c.broader)),
                props={k: tuple(sorted(code_of.get(v, v) for v in vs)) for k, vs in c.props.items()},
            )
    return vocabs


@cache
def load_vocabularies() -> dict[str, Vocabulary]:
    """All concept schemes, keyed by scheme name (the file stem)."""
    return _notations({path.stem: _parse_scheme(path) for path in sorted(vocab_dir().glob("*.ttl"))})


def vocabulary(scheme: str) -> Vocabulary:
    """One concept scheme by name, e.g. ``vocabulary("pollutant")``."""
    vocabs = load_vocabularies()
    if scheme not in vocabs:
        raise KeyError(f"no vocabulary {scheme!r} in {vocab_dir()} (have: {', '.join(vocabs)})")
    return vocabs[scheme]


@cache
def vocabulary_version() -> str:
    """A digest of every ontology file: changes whenever a label or class does."""
    digest = hashlib.sha256()
    root = vocab_dir().parent
    for path in sorted([*root.glob("*.ttl"), *vocab_dir().glob("*.ttl")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
