"""The OWL core under HermiT: consistency, unsatisfiable classes, and what it entails.

HermiT is the one that ships inside owlready2 (Java 17). ``load_core`` gives the
core as an owlready2 ontology; the checks run HermiT's command line directly on
an N-Triples file, with only the actions they need (``-k -U`` for consistency,
``-c -O -I -Y`` for entailments): owlready2's own call always classifies and
realises everything, which is several times slower on a graph of real plans.

HermiT is for the TBox and for samples of data, never for a whole store: a
store is materialised by the SPARQL rules of ``rules.py``, and
tests/test_reasoning.py checks that HermiT and the rules agree.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from policykg.errors import PolicyKGError
from policykg.ontology.namespaces import PKG
from policykg.ontology.vocab import vocab_dir

ONTOLOGY_IRI = "https://w3id.org/policykg/ontology"
HERMIT_MEMORY_MB = 2000
HERMIT_TIMEOUT_S = 900
_HERMIT_DIR = Path(owlready2.__file__).parent / "hermit"
_TYPE = re.compile(r"^Type\( <([^>]+)> <([^>]+)> \)$", re.MULTILINE)
_SUBCLASS = re.compile(r"^SubClassOf\( <([^>]+)> <([^>]+)> \)$", re.MULTILINE)
_EQUIVALENT = re.compile(r"^EquivalentClasses\( ((?:<[^>]+>\s*)+)\)$", re.MULTILINE)
_SUBPROPERTY = re.compile(r"^SubObjectPropertyOf\( <([^>]+)> <([^>]+)> \)$", re.MULTILINE)
_KNOWN = re.compile(r"^<([^>]+)> \(known instances:\s*(.*?)\s*\|\s*possible instances:", re.MULTILINE)
_PAIR = re.compile(r"\(<([^>]+)>, <([^>]+)>\)")
_NOTHING = re.compile(r"^Classes equivalent to 'owl:Nothing':\n((?:\t.*\n?)*)", re.MULTILINE)


class InconsistentOntology(PolicyKGError):
    """HermiT finds no model: some individual cannot satisfy the axioms."""


def core_path() -> Path:
    """Path of ``core.ttl`` inside the installed package."""
    return vocab_dir().parent / "core.ttl"


def _read_turtle(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser types; all mean the same to the user
        raise PolicyKGError(f"{path}: not readable Turtle ({exc})") from exc
    return graph


def tbox_graph(ontology_dir: Path | str | None = None) -> rdflib.Graph:
    """The core and every vocabulary of an ontology folder (the package's by default), without shapes.

    The vocabularies belong to the TBox as far as the reasoner is concerned: the
    defined classes reach through their concepts (pkg:medium, skos:broader).
    """
    root = Path(ontology_dir) if ontology_dir is not None else core_path().parent
    graph = _read_turtle(root / "core.ttl")
    for path in sorted((root / "vocab").glob("*.ttl")):
        graph += _read_turtle(path)
    return graph


def load_core(path: Path | str | None = None) -> owlready2.Ontology:
    """The OWL core (or the Turtle file at ``path``) as an owlready2 ontology in a new world.

    owlready2 reads RDF/XML and N-Triples only, so the Turtle is converted with
    rdflib first; each call gets a fresh ``World``, since owlready2 otherwise
    mixes a second load of a changed file with the first.
    """
    graph = _read_turtle(Path(path) if path is not None else core_path())
    ntriples = graph.serialize(format="nt", encoding="utf-8")
    world = owlready2.World()
    return world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(ntriples), format="ntriples")


def with_unique_names(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph plus ``owl:AllDifferent`` over its departments.

    graph/iris.py mints one IRI per body (function and region), so two IRIs are
    two bodies; SPARQL takes that for granted, OWL has to be told. Without it a
    minimum cardinality (pkg:JointlyRunMeasure) could never be entailed.
    """
    out = rdflib.Graph()
    out += graph
    departments = sorted(set(graph.subjects(RDF.type, rdflib.URIRef(PKG + "Department"))))
    if len(departments) > 1:
        node, members = rdflib.BNode(), rdflib.BNode()
        Collection(out, members, departments)
        out.add((node, RDF.type, OWL.AllDifferent))
        out.add((node, OWL.members, members))
    return out


def run_hermit(graph: rdflib.Graph, actions: Sequence[str], source: str) -> str:
    """HermiT's output for ``actions`` (its command-line flags) on the graph.

    Raises ``InconsistentOntology`` when HermiT finds the graph inconsistent, and
    ``PolicyKGError`` naming ``source`` when it cannot run (no Java, a crash).
    """
    classpath = f"{_HERMIT_DIR}:{_HERMIT_DIR / 'HermiT.jar'}"
    with tempfile.TemporaryDirectory(prefix="policykg-hermit-") as tmp:
        data = Path(tmp) / "input.nt"
        graph.serialize(data, format="nt", encoding="utf-8")
        command = [owlready2.JAVA_EXE, f"-Xmx{HERMIT_MEMORY_MB}M", "-cp", classpath]
        command += ["org.semanticweb.HermiT.cli.CommandLine", *actions, data.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=HERMIT_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PolicyKGError(f"{source}: HermiT could not run ({exc})") from exc
    output = done.stdout.decode("utf-8", "replace")
    errors = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if "InconsistentOntologyException" in errors or "Inconsistent ontology" in errors:
            raise InconsistentOntology(f"{source}: HermiT finds the ontology inconsistent")
        detail = " ".join(errors.split())[-500:]
        raise PolicyKGError(f"{source}: HermiT could not run (exit {done.returncode}: {detail})")
    return output


def _disjoint_pairs(graph: rdflib.Graph) -> set[frozenset]:
    pairs: set[frozenset] = set()
    for a, b in graph.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(graph, graph.value(node, OWL.members)))
        pairs.update(frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def disjoint_clashes(graph: rdflib.Graph) -> list[str]:
    """Individuals typed with two classes the graph declares disjoint (the usual cause of an
    inconsistency), found without a reasoner so the error can name them."""
    pairs = _disjoint_pairs(graph)
    clashes = []
    for individual in set(graph.subjects(RDF.type, None)):
        types = set()
        for cls in graph.objects(individual, RDF.type):
            types.update(graph.transitive_objects(cls, RDFS.subClassOf))
        for pair in pairs:
            if pair <= types:
                a, b = sorted(str(c) for c in pair)
                clashes.append(f"{individual} is both {a} and {b}, declared disjoint")
    return sorted(clashes)


def functional_clashes(graph: rdflib.Graph) -> list[str]:
    """Subjects with two different IRI values of a functional object property.

    Under unique names (``with_unique_names``) such a pair cannot be one
    individual, so the graph is inconsistent; without it, a reasoner silently
    concludes the two values are the same thing.
    """
    clashes = []
    for prop in sorted(graph.subjects(RDF.type, OWL.FunctionalProperty)):
        if (prop, RDF.type, OWL.ObjectProperty) not in graph:
            continue
        values: dict = {}
        for s, o in graph.subject_objects(prop):
            if isinstance(o, rdflib.URIRef):
                values.setdefault(s, set()).add(o)
        for s, objects in sorted(values.items()):
            if len(objects) > 1:
                shown = ", ".join(sorted(str(o) for o in objects))
                clashes.append(f"{s} has {len(objects)} values of functional {prop}: {shown}")
    return clashes


def check_graph(graph: rdflib.Graph, source: str) -> None:
    """HermiT's consistency check and unsatisfiable classes on a graph; raises ``PolicyKGError``.

    The message names ``source`` and, for the usual causes of an inconsistency
    (an individual in two disjoint classes, two values of a functional
    property), the individuals.
    """
    try:
        output = run_hermit(graph, ["-k", "-U"], source)
    except InconsistentOntology as exc:
        reason = "; ".join(disjoint_clashes(graph) + functional_clashes(graph)) or (
            "an individual cannot satisfy the axioms (a value outside a property's range, "
            "or types that exclude each other)"
        )
        raise InconsistentOntology(f"{exc}: {reason}") from exc
    found = _NOTHING.search(output)
    unsatisfiable = []
    for line in (found.group(1) if found else "").splitlines():
        name = line.strip().strip("<>")
        if name and name not in ("owl:Nothing", str(OWL.Nothing)):
            unsatisfiable.append(name)
    if unsatisfiable:
        raise PolicyKGError(
            f"{source}: HermiT finds classes that cannot have members: {', '.join(sorted(unsatisfiable))}"
        )


def check_consistency(path: Path | str | None = None) -> None:
    """Run HermiT on the core (or on the Turtle file at ``path``).

    Returns nothing when the ontology is consistent and every class can have
    members; raises ``PolicyKGError`` naming the file and the reason when it
    is inconsistent, has unsatisfiable classes, or HermiT cannot run (no Java).
    """
    source = Path(path) if path is not None else core_path()
    check_graph(_read_turtle(source), str(source))


@dataclass
class Entailments:
    """What HermiT entails about the named individuals of a graph."""

    types: dict[str, set[str]] = field(default_factory=dict)  # individual -> every named class
    pairs: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # object property -> pairs


def _closure(start: Iterable[str], parents: dict[str, set[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def entailments(graph: rdflib.Graph, source: str = "reasoning sample") -> Entailments:
    """Every named class of every individual and every pair of every object property that HermiT entails.

    HermiT prints direct types and, per property, the pairs no sub-property
    already gives; both are closed here over the class and property hierarchy
    HermiT itself computed.
    """
    output = run_hermit(graph, ["-c", "-O", "-I", "-Y"], source)
    class_parents: dict[str, set[str]] = {}
    for sub, sup in _SUBCLASS.findall(output):
        class_parents.setdefault(sub, set()).add(sup)
    for group in _EQUIVALENT.findall(output):
        names = re.findall(r"<([^>]+)>", group)
        for a in names:
            class_parents.setdefault(a, set()).update(n for n in names if n != a)
    direct: dict[str, set[str]] = {}
    for individual, cls in _TYPE.findall(output):
        direct.setdefault(individual, set()).add(cls)
    result = Entailments()
    for individual, classes in direct.items():
        result.types[individual] = {c for c in _closure(classes, class_parents) if c != str(OWL.Thing)}
    prop_parents: dict[str, set[str]] = {}
    for sub, sup in _SUBPROPERTY.findall(output):
        prop_parents.setdefault(sub, set()).add(sup)
    known = {prop: set(_PAIR.findall(text)) for prop, text in _KNOWN.findall(output)}
    for prop, pairs in known.items():
        for holder in _closure([prop], prop_parents):
            result.pairs.setdefault(holder, set()).update(pairs)
    return result
