"""policykg: Chinese local environmental policy as a knowledge graph.

Files flow one way: ``loaders`` (files → documents → facts) → ``graph``
(facts → RDF → stores, networks, pictures) → ``queries`` (ready SPARQL
questions). ``policykg.open(store)`` is the entry point from Python.
"""

from __future__ import annotations

__version__ = "0.1.0"


def open(store=None, *, endpoint=None):
    """Open a built graph: ``policykg.open(store_dir)`` or ``policykg.open(endpoint=URL)``."""
    from policykg.api import open_graph

    return open_graph(store, endpoint=endpoint)
