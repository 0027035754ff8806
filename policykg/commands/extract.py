"""``policykg extract``: the facts of each document as files, without building a graph.

``--format gold`` writes ``<stem>.json`` per document in the format of the
hand annotations (``../shared/gold/SCHEMA.md``), so ``score.py`` measures the
extractor directly; ``--format jsonl`` writes ``<stem>.jsonl``, one fact a line.
It is the same ``extract()`` the graph is built from.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from policykg.cli import app
from policykg.errors import PolicyKGError


class Format(StrEnum):
    gold = "gold"
    jsonl = "jsonl"


def _error(message: str) -> None:
    """One plain line per problem (no markup: a path may hold brackets)."""
    typer.echo(f"error: {message}", err=True)


FACT_KINDS = ("targets", "actors", "campaign_pollutants", "instruments")


def jsonl_lines(gold: dict[str, Any]) -> list[str]:
    """One JSON object per fact, each naming its document and kind."""
    lines = []
    for kind in FACT_KINDS:
        for fact in gold[kind]:
            lines.append(json.dumps({"doc": gold["doc"], "fact": kind, **fact}, ensure_ascii=False))
    return lines


def extract_file(path: Path, out: Path, fmt: Format) -> Path:
    """Read, extract and write one document; returns the file written."""
    from policykg.loaders.extract import extract
    from policykg.loaders.extract.gold import to_gold
    from policykg.loaders.read import read_document

    gold = to_gold(extract(read_document(path)))
    if fmt is Format.gold:
        target = out / f"{path.stem}.json"
        target.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        target = out / f"{path.stem}.jsonl"
        target.write_text("".join(line + "\n" for line in jsonl_lines(gold)), encoding="utf-8")
    return target


@app.command("extract")
def extract_command(
    paths: Annotated[list[Path], typer.Argument(help="Files, or folders walked for plans.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write one file per document into.")],
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="gold: SCHEMA.md JSON; jsonl: one fact a line.")
    ] = Format.gold,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
) -> None:
    """Extract the facts of plans and summaries into files (gold format: what score.py reads)."""
    from policykg.pipeline import collect_files

    files, failed = collect_files(paths)
    for path, problem in failed:
        _error(f"{path}: {problem}")
    for folder in (p for p in paths if p.is_dir() and not any(f.is_relative_to(p) for f in files)):
        _error(f"{folder}: no plans (*.txt) in this folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _error(f"{out}: cannot create the output folder ({exc.strerror})")
        raise typer.Exit(2) from None
    written = 0
    for path in files:
        try:
            extract_file(path, out, fmt)
        except PolicyKGError as exc:
            failed.append((path, str(exc)))
            _error(str(exc))
            continue
        written += 1
    if not quiet or failed:
        typer.echo(f"{written} extracted, {len(failed)} failed → {out}", err=True)
    if failed or not files:
        raise typer.Exit(1)
