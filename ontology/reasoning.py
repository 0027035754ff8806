"""Load the OWL core into owlready2 and let HermiT check it.

owlready2 reads RDF/XML and N-Triples only, so the Turtle core is converted
with rdflib first. Each call works in a fresh owlready2 ``World``: owlready2
otherwise keeps every loaded ontology in one global store, and a second load
of a changed file would be mixed with the first.
"""

from __future__ import annotations

import io
from pathlib import Path

import owlready2
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from policykg.errors import PolicyKGError
from policykg.ontology.vocab import vocab_dir

ONTOLOGY_IRI = "https://w3id.org/policykg/ontology"


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


def _to_owlready(graph: rdflib.Graph) -> owlready2.Ontology:
    ntriples = graph.serialize(format="nt", encoding="utf-8")
    world = owlready2.World()
    return world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(ntriples), format="ntriples")


def load_core(path: Path | str | None = None) -> owlready2.Ontology:
    """The OWL core (or the Turtle file at ``path``) as an owlready2 ontology in a new world."""
    return _to_owlready(_read_turtle(Path(path) if path is not None else core_path()))


def _disjoint_clashes(graph: rdflib.Graph) -> list[str]:
    """Individuals typed with two classes the graph declares disjoint (the usual cause of an
    inconsistency), found without a reasoner so the error can name them."""
    pairs: set[frozenset] = set()
    for a, b in graph.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(graph, graph.value(node, OWL.members)))
        pairs.update(frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :])
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


def check_consistency(path: Path | str | None = None) -> None:
    """Run HermiT on the core (or on the Turtle file at ``path``).

    Returns nothing when the ontology is consistent and every class can have
    members; raises ``PolicyKGError`` naming the file and the reason when it
    is inconsistent, has unsatisfiable classes, or HermiT cannot run (no Java).
    """
    source = Path(path) if path is not None else core_path()
    graph = _read_turtle(source)
    ontology = _to_owlready(graph)
    world = ontology.world
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        reason = "; ".join(_disjoint_clashes(graph)) or (
            "an individual cannot satisfy the axioms (a value outside a property's range, "
            "or types that exclude each other)"
        )
        raise PolicyKGError(f"{source}: HermiT finds the ontology inconsistent: {reason}") from exc
    except (OSError, owlready2.OwlReadyJavaError) as exc:
        raise PolicyKGError(f"{source}: HermiT could not run ({exc})") from exc
    finally:
        world.close()
    if unsatisfiable:
        raise PolicyKGError(
            f"{source}: HermiT finds classes that cannot have members: {', '.join(unsatisfiable)}"
        )
