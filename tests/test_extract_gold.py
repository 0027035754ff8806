"""The gold-format writer and the ``policykg extract`` command, on the bundled plans."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.cli import _register, app
from policykg.config import bundled_corpus
from policykg.loaders.extract import extract
from policykg.loaders.extract.gold import to_gold
from policykg.loaders.read import read_document
from policykg.ontology.vocab import vocabulary

TOP_KEYS = {
    "doc",
    "region",
    "issuer",
    "doc_type",
    "years",
    "published",
    "targets",
    "actors",
    "campaign_pollutants",
    "instruments",
}
ROLES = {"lead", "cooperate", "joint", "supervised", "mentioned"}
SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD_DIR = SHARED / "gold"
SCORE = SHARED / "tools" / "score.py"


@pytest.fixture(scope="module")
def golds() -> list[tuple[object, dict]]:
    out = []
    for path in bundled_corpus():
        document = read_document(path)
        out.append((document, to_gold(extract(document))))
    return out


def test_the_gold_writer_has_the_schema_shape(golds):
    departments, pollutants = vocabulary("department"), vocabulary("pollutant")
    campaigns = vocabulary("campaign")
    instrument_names = {c.pref_zh for c in vocabulary("instrument")}
    for document, gold in golds:
        assert set(gold) == TOP_KEYS
        assert gold["doc"] == document.source.name
        assert set(gold["region"]) == {"name", "level", "province", "parent", "adcode"}
        assert gold["region"]["province"].endswith("省")
        assert all(isinstance(y, int) for y in gold["years"])
        for actor in gold["actors"]:
            assert set(actor) == {"text", "canonical", "role", "clause", "start", "end"}
            assert actor["canonical"] in departments
            assert actor["role"] in ROLES
            assert actor["text"] in actor["clause"]
        for pair in gold["campaign_pollutants"]:
            assert set(pair) == {"campaign", "pollutant", "text", "start", "end"}
            assert pair["campaign"] in campaigns and pair["pollutant"] in pollutants
        for instrument in gold["instruments"]:
            assert set(instrument) == {"name", "text", "kind", "start", "end"}
            assert instrument["name"] in instrument_names
            assert instrument["kind"] in {"planned", "achieved"}
        for target in gold["targets"]:
            assert {"text", "indicator", "comparator", "value", "unit", "kind", "start", "end"} <= set(target)
        pairs = [(p["campaign"], p["pollutant"]) for p in gold["campaign_pollutants"]]
        assert len(pairs) == len(set(pairs))
        adoptions = [(i["name"], i["kind"]) for i in gold["instruments"]]
        assert len(adoptions) == len(set(adoptions))


def test_every_text_is_the_document_text_at_its_offsets(golds):
    for document, gold in golds:
        for kind in ("targets", "campaign_pollutants", "instruments"):
            for fact in gold[kind]:
                assert fact["text"] == document.text[fact["start"] : fact["end"]], (kind, fact)
        for actor in gold["actors"]:
            assert actor["clause"] == document.text[actor["start"] : actor["end"]]


def test_the_bundled_plans_have_their_characteristic_facts(golds):
    by_doc = {gold["doc"][:3]: gold for _, gold in golds}
    fuzhou = by_doc["000"]
    assert fuzhou["region"] == {
        "name": "福州市",
        "level": "prefecture",
        "province": "福建省",
        "parent": "福建省",
        "adcode": "350100",
    }
    assert ("blue_sky", "VOCs") in {(p["campaign"], p["pollutant"]) for p in fuzhou["campaign_pollutants"]}
    assert {"name": "湾(滩)长制", "kind": "planned"}.items() <= next(
        i for i in fuzhou["instruments"] if i["name"] == "湾(滩)长制"
    ).items()
    duties = {(a["canonical"], a["role"]) for a in by_doc["003"]["actors"]}
    assert {("public_security", "joint"), ("procuratorate", "joint"), ("court", "joint")} <= duties
    luchen = by_doc["004"]
    assert luchen["region"]["parent"] == "温州市"
    assert {i["kind"] for i in luchen["instruments"]} == {"planned", "achieved"}


@pytest.mark.skipif(
    not (SCORE.exists() and GOLD_DIR.exists()), reason="needs ../shared/tools and ../shared/gold"
)
def test_the_bundled_plans_meet_the_quality_bar(golds):
    spec = importlib.util.spec_from_file_location("score", SCORE)
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    fields = ("actors~", "duties", "duties~", "campaign_pollutants", "instruments")
    tallies = {f: score.Tally() for f in ("targets", "targets~", "actors", *fields)}
    meta = {k: [0, 0] for k in ("region", "adcode", "years", "doc_type")}
    for document, pred in golds:
        gold = json.loads((GOLD_DIR / f"{document.source.stem}.json").read_text(encoding="utf-8"))
        score.score_doc(document.text, gold, pred, tallies, meta)
    f1 = {f: tallies[f].row()["f1"] for f in fields}
    bar = {"actors~": 0.70, "duties": 0.75, "duties~": 0.85, "campaign_pollutants": 0.85, "instruments": 0.70}
    assert all(f1[f] >= bar[f] for f in fields), f1


def run(args: list[str]):
    _register()
    return CliRunner().invoke(app, args)


def test_extract_command_writes_one_gold_file_per_bundled_plan(tmp_path):
    result = run(["extract", *map(str, bundled_corpus()), "--format", "gold", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.glob("*.json"))
    assert written == sorted(f"{p.stem}.json" for p in bundled_corpus())
    assert len(written) == 5
    gold = json.loads((tmp_path / written[0]).read_text(encoding="utf-8"))
    assert gold["doc"] == bundled_corpus()[0].name
    assert "福州" in (tmp_path / written[0]).read_text(encoding="utf-8")  # not \\u-escaped


def test_extract_command_walks_a_folder_and_writes_jsonl(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    source = bundled_corpus()[2]
    (folder / source.name).write_bytes(source.read_bytes())
    (folder / "notes.md").write_text("not a plan", encoding="utf-8")
    out = tmp_path / "out"
    result = run(["extract", str(folder), "--format", "jsonl", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (written,) = out.iterdir()
    assert written.name == f"{source.stem}.jsonl"
    lines = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    assert {line["fact"] for line in lines} == {"targets", "actors", "campaign_pollutants", "instruments"}
    assert all(line["doc"] == source.name for line in lines)


def test_extract_command_reports_bad_files_and_goes_on(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    good = bundled_corpus()[4]
    out = tmp_path / "out"
    args = ["extract", str(empty), str(tmp_path / "missing.txt"), str(binary), str(good), "--out", str(out)]
    result = run(args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 3
    assert any("empty.txt" in line for line in errors)
    assert any("missing.txt" in line for line in errors)
    assert any("image.txt" in line for line in errors)
    assert "Traceback" not in result.output
    assert "1 extracted, 3 failed" in lines[-1]
    assert [p.name for p in out.iterdir()] == [f"{good.stem}.json"]


def test_a_plan_in_traditional_characters_gives_the_same_facts_quoted_from_its_own_text(tmp_path, golds):
    import opencc

    source = bundled_corpus()[0]
    simplified_text = source.read_text(encoding="utf-8")
    traditional_text = opencc.OpenCC("s2t").convert(simplified_text)
    assert len(traditional_text) == len(simplified_text) and traditional_text != simplified_text
    path = tmp_path / source.name
    path.write_text(traditional_text, encoding="utf-8")
    document = read_document(path)
    gold = to_gold(extract(document))
    (_, simplified), *_ = [g for g in golds if g[1]["doc"] == source.name]
    for kind in ("targets", "actors", "campaign_pollutants", "instruments"):
        keys = [
            (f["start"], f["end"], f.get("canonical"), f.get("role"), f.get("pollutant")) for f in gold[kind]
        ]
        assert keys == [
            (f["start"], f["end"], f.get("canonical"), f.get("role"), f.get("pollutant"))
            for f in simplified[kind]
        ], kind
        for fact in gold[kind]:
            quoted = fact["clause"] if kind == "actors" else fact["text"]
            assert quoted == traditional_text[fact["start"] : fact["end"]]
    pairs = {(p["campaign"], p["pollutant"]): p["text"] for p in gold["campaign_pollutants"]}
    assert pairs[("blue_sky", "PM2.5")] == "推動細顆粒物和臭氧協同控制"
