"""`policykg ontology check`: the ontology folder under HermiT and the vocabulary shapes.

Two checks, both on the files of one ontology folder (the package's, or a copy):

- **HermiT** on the core and every vocabulary (the TBox with the concepts the
  defined classes reach through): consistent, and every class can have members.
- **SHACL** vocabulary shapes of ``shapes.ttl`` (the shapes whose targets are
  SKOS classes) on the vocabularies: every concept has one notation, its scheme,
  one prefLabel in Chinese and one in English; no match label is claimed by two
  concepts of one scheme.

Each problem is one line naming the check and what is wrong; no problem, no
lines. Checks of a built store (a sample of it under HermiT, functional
properties over all of it) live in ``graph/infer.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SH, SKOS

from policykg.errors import PolicyKGError
from policykg.ontology.reasoning import check_graph, core_path, tbox_graph


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing a check found wrong."""

    check: str  # HermiT, SHACL, functional, sample
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.message}"


def ontology_root(ontology_dir: Path | str | None = None) -> Path:
    """The ontology folder: the one given, or the package's."""
    root = Path(ontology_dir) if ontology_dir is not None else core_path().parent
    if not (root / "core.ttl").is_file():
        raise PolicyKGError(f"{root}: no core.ttl here (give the folder that holds core.ttl and vocab/)")
    return root


def check_hermit(ontology_dir: Path | str | None = None) -> list[Problem]:
    """HermiT on the core and the vocabularies of the folder."""
    root = ontology_root(ontology_dir)
    try:
        check_graph(tbox_graph(root), f"{root / 'core.ttl'} with {root / 'vocab'}")
    except PolicyKGError as exc:
        return [Problem("HermiT", str(exc))]
    return []


def vocabulary_shapes(shapes: rdflib.Graph) -> list[rdflib.URIRef]:
    """The node shapes whose every target class is a SKOS class (concepts, schemes)."""
    out = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        classes = list(shapes.objects(shape, SH.targetClass))
        if (
            isinstance(shape, rdflib.URIRef)
            and classes
            and all(str(c).startswith(str(SKOS)) for c in classes)
        ):
            out.append(shape)
    return out


def check_vocabularies(ontology_dir: Path | str | None = None) -> list[Problem]:
    """The vocabulary shapes of the folder's ``shapes.ttl`` on its vocabularies."""
    import pyshacl  # slow to import; only this check needs it

    root = ontology_root(ontology_dir)
    shapes = rdflib.Graph().parse(root / "shapes.ttl", format="turtle")
    vocabularies = rdflib.Graph()
    for path in sorted((root / "vocab").glob("*.ttl")):
        try:
            vocabularies.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser types; all mean the same to the user
            return [Problem("SHACL", f"{path}: not readable Turtle ({exc})")]
    selected = vocabulary_shapes(shapes)
    if not selected:
        return [Problem("SHACL", f"{root / 'shapes.ttl'}: no vocabulary shapes (targets skos:Concept ...)")]
    _, results, _ = pyshacl.validate(
        vocabularies, shacl_graph=shapes, inference="none", advanced=True, use_shapes=selected
    )
    problems = []
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        message = " ".join(str(results.value(result, SH.resultMessage) or "does not conform").split())
        path = results.value(result, SH.resultPath)
        where = f" {path.n3(vocabularies.namespace_manager)}" if isinstance(path, rdflib.URIRef) else ""
        problems.append(Problem("SHACL", f"{focus}{where}: {message}"))
    return sorted(problems, key=str)


def check_ontology(ontology_dir: Path | str | None = None) -> list[Problem]:
    """Every check of the ontology folder; an empty list when all pass."""
    return check_hermit(ontology_dir) + check_vocabularies(ontology_dir)
