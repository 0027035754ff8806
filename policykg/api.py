"""The Python entry point: ``policykg.open(store).query(name, **params)``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from policykg.config import default_store
from policykg.graph.remote import Endpoint
from policykg.graph.store import Store
from policykg.queries.run import SparqlSource, run_query, run_sparql


class KnowledgeGraph:
    """A built policykg graph, embedded or on a SPARQL server, answering questions as DataFrames."""

    def __init__(self, source: SparqlSource) -> None:
        self.source = source

    def query(self, name: str, **params: object) -> pd.DataFrame:
        """Answer a ready question, e.g. ``kg.query("voc-cities", pollutant="NOx")``."""
        return run_query(self.source, name, {k: str(v) for k, v in params.items()}).to_frame()

    def sparql(self, text: str) -> pd.DataFrame:
        """Answer any SPARQL SELECT (the project's prefixes are predeclared)."""
        return run_sparql(self.source, text).to_frame()


def open_graph(store: str | Path | None = None, *, endpoint: str | None = None) -> KnowledgeGraph:
    """Open the embedded store at ``store`` (default: see ``policykg.config``) or a SPARQL endpoint."""
    if endpoint:
        return KnowledgeGraph(Endpoint(endpoint))
    return KnowledgeGraph(Store(store or default_store(), read_only=True))
