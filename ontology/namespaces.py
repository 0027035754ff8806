"""IRIs of the policykg ontology, its vocabularies and its instance data.

One place for every namespace, so that the extractor, the graph builder and
the ready questions agree on names.
"""

from __future__ import annotations

BASE = "https://w3id.org/policykg/"
PKG = BASE + "ontology#"  # classes and properties
VOCAB = BASE + "vocab/"  # concept schemes: VOCAB + scheme + "/" + notation
DATA = BASE + "id/"  # instances: documents, facts, regions, actors

# Named graphs that are not one document's
ONTOLOGY_GRAPH = BASE + "graph/ontology"  # OWL core + SKOS vocabularies
PLACES_GRAPH = BASE + "graph/places"  # regions and actors, shared by all documents
INFERRED_GRAPH = BASE + "graph/inferred"  # what a reasoner adds
LOADING_GRAPH = BASE + "graph/loading"  # documents being bulk-loaded, until they are complete
TOTALS_GRAPH = BASE + "graph/totals"  # the tallies summed over the whole corpus (graph/totals.py)

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
QUDT = "http://qudt.org/schema/qudt/"
UNIT = "http://qudt.org/vocab/unit/"
TIME = "http://www.w3.org/2006/time#"

PREFIXES = {
    "pkg": PKG,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "oa": OA,
    "qudt": QUDT,
    "unit": UNIT,
    "time": TIME,
}


def concept_iri(scheme: str, code: str) -> str:
    """IRI of the concept with notation ``code`` in vocabulary ``scheme``.

    True for every scheme but ``unit`` and ``comparator``, whose notations
    (``μg/m3``, ``<=``) are no safe IRI segment and get an ASCII slug: look a
    concept's IRI up with ``vocabulary(scheme)[code].iri`` instead.
    """
    return f"{VOCAB}{scheme}/{code}"


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, for queries."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
