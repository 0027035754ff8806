"""The errors policykg reports to its users instead of a traceback."""

from __future__ import annotations

from pathlib import Path


class PolicyKGError(Exception):
    """Base of every error policykg expects and explains."""


class InputError(PolicyKGError):
    """A file that cannot be read as a policy document.

    The message always names the file and the problem, e.g.
    ``plans/a.txt: not text (binary content)``.
    """

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class StoreError(PolicyKGError):
    """The store cannot be opened, read or written."""


class QueryError(PolicyKGError):
    """A ready question or SPARQL query that cannot be run as asked."""
