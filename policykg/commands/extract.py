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
from rich.console import Console

from policykg.cli import app
from policykg.errors import PolicyKGError

err = Console(stderr=True, highlight=False)


class Format(StrEnum):
    gold = "gold"
    jsonl = "jsonl"


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
    failed = [(path, problem) for path, problem in failed]
    for path, problem in failed:
        err.print(f"[red]error:[/red] {path}: {problem}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        err.print(f"[red]error:[/red] {out}: cannot create the output folder ({exc.strerror})")
        raise typer.Exit(2) from None
    written = 0
    for path in files:
        try:
            extract_file(path, out, fmt)
        except PolicyKGError as exc:
            failed.append((path, str(exc)))
            err.print(f"[red]error:[/red] {exc}")
            continue
        written += 1
    if not quiet or failed:
        err.print(f"{written} extracted, {len(failed)} failed → {out}")
    if failed or not files:
        raise typer.Exit(1)
