"""A browsable reference of the ontology: one self-contained HTML page, offline.

``write_reference(out_dir)`` writes ``index.html``: every class (the defined
ones with their definition and the SPARQL rule that materialises them), every
object, datatype and annotation property, and every SKOS concept scheme with
all its concepts, each with its Chinese and English labels, its definition and
an example. Everything is read from the Turtle files, so the page cannot drift
from the ontology. No script, style sheet, font or picture is fetched from
anywhere: the page opens from a disk with the network off.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node, URIRef

from policykg.ontology.namespaces import PKG, VOCAB
from policykg.ontology.rules import TBox, compile_rules, short

KINDS = (
    ("class", OWL.Class, "Classes"),
    ("object", OWL.ObjectProperty, "Object properties"),
    ("datatype", OWL.DatatypeProperty, "Datatype properties"),
    ("annotation", OWL.AnnotationProperty, "Annotation properties"),
)
STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 0; color: #1f2328; line-height: 1.45; }
nav { position: fixed; top: 0; bottom: 0; left: 0; width: 17rem; overflow-y: auto; padding: 1rem;
      background: #f6f8fa; border-right: 1px solid #d0d7de; font-size: 0.85rem; }
nav a { display: block; color: #0969da; text-decoration: none; padding: 1px 0; }
nav h2 { font-size: 0.95rem; margin: 1rem 0 0.3rem; }
main { margin-left: 19.5rem; padding: 1rem 2rem 4rem; max-width: 60rem; }
section.term { border-top: 1px solid #d0d7de; padding: 0.6rem 0; }
section.term h3 { margin: 0.2rem 0; font-size: 1.05rem; }
.zh { font-weight: normal; color: #57606a; margin-left: 0.6rem; }
.iri, code { font-family: ui-monospace, monospace; font-size: 0.85em; color: #57606a; }
dl { display: grid; grid-template-columns: 9rem 1fr; gap: 0.15rem 0.8rem; margin: 0.4rem 0; }
dt { color: #57606a; } dd { margin: 0; }
table { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 0.2rem 0.4rem; vertical-align: top; text-align: left; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: 0.5rem; font-size: 0.78rem; }
.badge { font-size: 0.7rem; background: #ddf4ff; color: #0969da; border-radius: 0.6rem; padding: 0 0.4rem; }
#filter { width: 100%; box-sizing: border-box; margin-bottom: 0.5rem; }
"""
# Filters the terms by any text in them; the page works without it too.
SCRIPT = """
document.getElementById('filter').addEventListener('input', function (event) {
  var words = event.target.value.toLowerCase();
  document.querySelectorAll('section.term').forEach(function (section) {
    section.hidden = words !== '' && section.textContent.toLowerCase().indexOf(words) < 0;
  });
});
"""


@dataclass(frozen=True, slots=True)
class Term:
    """One class or property as the reference shows it."""

    iri: str
    kind: str  # a key of KINDS
    anchor: str
    name: str  # prefixed: pkg:Measure


def anchor(iri: str) -> str:
    """The id of a term's section: its prefixed name with the colon as a dash (pkg-Measure)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", short(iri).strip("<>"))


def _text(graph: rdflib.Graph, subject: Node, predicate: URIRef, lang: str | None) -> str:
    for value in sorted(graph.objects(subject, predicate), key=str):
        if isinstance(value, rdflib.Literal) and (lang is None or value.language == lang):
            return str(value)
    return ""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


class _Reference:
    def __init__(self, core: rdflib.Graph, schemes: dict[str, rdflib.Graph]) -> None:
        self.core = core
        self.schemes = schemes
        self.tbox = TBox(core)
        self.rules = {r.head: r for r in compile_rules(self.tbox)}
        self.terms: list[Term] = []
        seen: set[str] = set()
        for kind, rdf_type, _ in KINDS:
            for subject in sorted(core.subjects(RDF.type, rdf_type), key=str):
                iri = str(subject)
                if (
                    isinstance(subject, URIRef)
                    and iri not in seen
                    and iri != "https://w3id.org/policykg/ontology"
                ):
                    seen.add(iri)
                    self.terms.append(Term(iri, kind, anchor(iri), short(iri)))
        self.known = {t.iri for t in self.terms}

    def link(self, node: Node) -> str:
        iri = str(node)
        if iri in self.known:
            return f'<a href="#{anchor(iri)}">{_e(short(iri))}</a>'
        if iri.startswith(VOCAB):
            scheme, _, code = iri[len(VOCAB) :].partition("/")
            return f'<a href="#scheme-{_e(scheme)}">{_e(scheme)}:{_e(code)}</a>'
        return f"<code>{_e(short(iri))}</code>"

    def expression(self, node: Node) -> str:
        """A class expression in DL notation, with links."""
        g = self.core
        if isinstance(node, URIRef):
            return self.link(node)
        if (members := g.value(node, OWL.intersectionOf)) is not None:
            return " ⊓ ".join(self.expression(m) for m in Collection(g, members))
        if (members := g.value(node, OWL.unionOf)) is not None:
            return "(" + " ⊔ ".join(self.expression(m) for m in Collection(g, members)) + ")"
        if (members := g.value(node, OWL.oneOf)) is not None:
            return "{" + ", ".join(self.link(m) for m in Collection(g, members)) + "}"
        prop = self.link(g.value(node, OWL.onProperty))
        if (value := g.value(node, OWL.hasValue)) is not None:
            return f"∃{prop}.{{{self.link(value)}}}"
        if (filler := g.value(node, OWL.someValuesFrom)) is not None:
            return f"∃{prop}.({self.expression(filler)})"
        if (n := g.value(node, OWL.minQualifiedCardinality)) is not None:
            return f"≥{n} {prop}.{self.expression(g.value(node, OWL.onClass))}"
        return "<i>(restriction)</i>"

    def term_section(self, term: Term) -> str:
        g, s = self.core, URIRef(term.iri)
        en, zh = _text(g, s, RDFS.label, "en"), _text(g, s, RDFS.label, "zh")
        rows: list[tuple[str, str]] = [("IRI", f'<span class="iri">{_e(term.iri)}</span>')]
        rows.append(("Label (en)", _e(en) or "—"))
        rows.append(("Label (zh)", _e(zh) or "—"))
        comment = _text(g, s, RDFS.comment, "en") or _text(g, s, RDFS.comment, None)
        rows.append(("Definition", _e(comment) or "—"))
        badge = ""
        if term.kind == "class":
            for expr in g.objects(s, OWL.equivalentClass):
                rows.append(("Equivalent to", self.expression(expr)))
                badge = ' <span class="badge">defined</span>'
            supers = sorted({str(o) for o in g.objects(s, RDFS.subClassOf) if isinstance(o, URIRef)})
            supers += sorted(str(c) for c in self.tbox.parents.get(s, ()) if str(c) not in supers)
            if supers:
                rows.append(("Subclass of", ", ".join(self.link(URIRef(c)) for c in supers)))
            subs = sorted(str(c) for c, ps in self.tbox.parents.items() if s in ps)
            if subs:
                rows.append(("Subclasses", ", ".join(self.link(URIRef(c)) for c in subs)))
            disjoint = sorted(str(o) for o in g.objects(s, OWL.disjointWith))
            if disjoint:
                rows.append(("Disjoint with", ", ".join(self.link(URIRef(c)) for c in disjoint)))
        else:
            for label, predicate in (("Domain", RDFS.domain), ("Range", RDFS.range)):
                values = [self.expression(o) for o in g.objects(s, predicate)]
                if values:
                    rows.append((label, ", ".join(values)))
            supers = sorted(str(o) for o in g.objects(s, RDFS.subPropertyOf))
            if supers:
                rows.append(("Sub-property of", ", ".join(self.link(URIRef(p)) for p in supers)))
            subs = sorted(str(p) for p in g.subjects(RDFS.subPropertyOf, s))
            if subs:
                rows.append(("Sub-properties", ", ".join(self.link(URIRef(p)) for p in subs)))
            traits = [
                name
                for name, trait in (
                    ("functional", OWL.FunctionalProperty),
                    ("transitive", OWL.TransitiveProperty),
                )
                if (s, RDF.type, trait) in g
            ]
            if traits:
                rows.append(("Characteristics", ", ".join(traits)))
        example = _text(g, s, SKOS.example, None)
        rows.append(("Example", _e(example) or "—"))
        if (defined := g.value(s, RDFS.isDefinedBy)) is not None:
            rows.append(("Defined by", f'<span class="iri">{_e(defined)}</span>'))
        body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
        rule = self.rules.get(term.iri)
        body_rule = (
            f"<details><summary>The SPARQL rule that materialises it</summary><pre>{_e(rule.sparql)}</pre></details>"
            if rule is not None
            else ""
        )
        title = f'{_e(term.name)}{badge}<span class="zh">{_e(zh)}</span>'
        return (
            f'<section class="term" id="{term.anchor}" data-kind="{term.kind}">'
            f"<h3>{title}</h3><dl>{body}</dl>{body_rule}</section>"
        )

    def scheme_section(self, name: str, graph: rdflib.Graph) -> str:
        scheme = URIRef(f"{VOCAB}{name}/")
        zh = _text(graph, scheme, SKOS.prefLabel, "zh")
        en = _text(graph, scheme, SKOS.prefLabel, "en")
        description = _text(graph, scheme, DCTERMS.description, None)
        concepts = sorted(
            graph.subjects(SKOS.inScheme, scheme), key=lambda c: str(graph.value(c, SKOS.notation))
        )
        users = [
            str(p)
            for p, comment in self.core.subject_objects(RDFS.comment)
            if re.search(rf"vocab/{re.escape(name)}\b(?!_)", str(comment)) and str(p).startswith(PKG)
        ]
        first = concepts[0] if concepts else None
        if users and first is not None:
            code = graph.value(first, SKOS.notation)
            example = (
                f"{', '.join(self.link(URIRef(u)) for u in sorted(users))} → {self.link(first)} "
                f"(notation <code>{_e(code)}</code>, {_e(_text(graph, first, SKOS.prefLabel, 'zh'))})"
            )
        else:
            example = "—"
        rows = []
        for c in concepts:
            alt = ", ".join(sorted(str(a) for a in graph.objects(c, SKOS.altLabel)))
            links = []
            for predicate in (SKOS.broader, SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch):
                for o in sorted(graph.objects(c, predicate), key=str):
                    links.append(f"{predicate.split('#')[-1]} {self.link(o)}")
            for p, o in sorted(graph.predicate_objects(c), key=lambda po: (str(po[0]), str(po[1]))):
                if str(p).startswith(PKG) and str(p) != PKG + "cue":
                    links.append(f"{self.link(p)} {self.link(o) if isinstance(o, URIRef) else _e(o)}")
            rows.append(
                f'<tr id="{_e(name)}-{_e(anchor(str(c)))}"><td><code>{_e(graph.value(c, SKOS.notation))}</code></td>'
                f"<td>{_e(_text(graph, c, SKOS.prefLabel, 'zh'))}</td><td>{_e(_text(graph, c, SKOS.prefLabel, 'en'))}</td>"
                f"<td>{_e(_text(graph, c, SKOS.definition, None))}</td><td>{_e(alt)}</td>"
                f"<td>{'<br>'.join(links)}</td></tr>"
            )
        table = (
            "<table><tr><th>notation</th><th>zh</th><th>en</th><th>definition</th>"
            f"<th>other labels (zh)</th><th>links</th></tr>{''.join(rows)}</table>"
        )
        return (
            f'<section class="term scheme" id="scheme-{_e(name)}" data-kind="scheme">'
            f'<h3>{_e(name)}<span class="zh">{_e(zh)}</span></h3>'
            f'<dl><dt>IRI</dt><dd><span class="iri">{_e(scheme)}</span></dd>'
            f"<dt>Label (en)</dt><dd>{_e(en) or '—'}</dd><dt>Label (zh)</dt><dd>{_e(zh) or '—'}</dd>"
            f"<dt>Definition</dt><dd>{_e(description) or '—'}</dd>"
            f"<dt>Concepts</dt><dd>{len(concepts)}</dd><dt>Example</dt><dd>{example}</dd></dl>"
            f"<details><summary>All {len(concepts)} concepts</summary>{table}</details></section>"
        )

    def page(self) -> str:
        onto = URIRef("https://w3id.org/policykg/ontology")
        version = _text(self.core, onto, OWL.versionInfo, None)
        version_iri = self.core.value(onto, OWL.versionIRI)
        nav, main = [], []
        for kind, _, heading in KINDS:
            terms = [t for t in self.terms if t.kind == kind]
            nav.append(f"<h2>{heading} ({len(terms)})</h2>")
            nav.extend(f'<a href="#{t.anchor}">{_e(t.name)}</a>' for t in terms)
            main.append(f'<h2 id="{kind}">{heading}</h2>')
            main.extend(self.term_section(t) for t in terms)
        nav.append(f"<h2>Concept schemes ({len(self.schemes)})</h2>")
        nav.extend(f'<a href="#scheme-{_e(n)}">{_e(n)}</a>' for n in self.schemes)
        main.append('<h2 id="schemes">Concept schemes</h2>')
        main.extend(self.scheme_section(n, g) for n, g in self.schemes.items())
        title = _text(self.core, onto, DCTERMS.title, "en") or "policykg ontology"
        intro = _text(self.core, onto, DCTERMS.description, "en")
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{_e(title)} {_e(version)}</title><style>{STYLE}</style></head><body>"
            '<nav><input id="filter" type="search" placeholder="filter terms…">'
            f"{''.join(nav)}</nav><main><h1>{_e(title)} <small>{_e(version)}</small></h1>"
            f"<p>{_e(_text(self.core, onto, DCTERMS.title, 'zh'))}</p><p>{_e(intro)}</p>"
            f'<p>Version IRI <span class="iri">{_e(version_iri)}</span>. Defined classes are never asserted: '
            "<code>policykg build</code> materialises them with the SPARQL rule shown under each, into "
            'each document\'s inferred graph <span class="iri">https://w3id.org/policykg/graph/inferred/doc/'
            'KEY</span> (what the places and ontology alone entail: <span class="iri">'
            "https://w3id.org/policykg/graph/inferred</span>).</p>"
            f"{''.join(main)}</main><script>{SCRIPT}</script></body></html>\n"
        )


def write_reference(out_dir: Path | str, ontology_dir: Path | str | None = None) -> Path:
    """Write ``index.html`` (the whole reference) into ``out_dir``; returns its path."""
    from policykg.ontology.reasoning import core_path

    root = Path(ontology_dir) if ontology_dir is not None else core_path().parent
    core = rdflib.Graph().parse(root / "core.ttl", format="turtle")
    schemes = {
        p.stem: rdflib.Graph().parse(p, format="turtle") for p in sorted((root / "vocab").glob("*.ttl"))
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    page = out / "index.html"
    page.write_text(_Reference(core, schemes).page(), encoding="utf-8")
    return page
