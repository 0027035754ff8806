"""Policy-diffusion tables of the bundled plans, and the `policykg diffusion` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from policykg.graph.diffusion import (
    COLUMNS,
    DiffusionData,
    diffusion_data,
    parquet_available,
    write_diffusion,
)
from policykg.ontology.vocab import vocabulary

FIVE_PLACES = {"福州市", "泉州市", "衢州市", "衡阳市", "鹿城区"}


def bay_chief() -> str:
    """Notation of 湾(滩)长制 in the instrument vocabulary."""
    return vocabulary("instrument").label_index()["湾(滩)长制"]


@pytest.fixture(scope="module")
def data(store) -> DiffusionData:
    return diffusion_data(store)


def test_adoption_events_have_bay_chief_for_fuzhou_in_2021(data):
    events = data.events
    assert list(events.columns) == list(COLUMNS["adoption_events"])
    row = events[(events["place"] == "福州市") & (events["instrument"] == bay_chief())]
    assert len(row) == 1
    row = row.iloc[0]
    assert row["first_year"] == 2021 and row["adcode"] == "350100" and row["level"] == "prefecture"
    assert row["province"] == "福建省" and row["province_code"] == "350000" and row["parent_code"] == "350000"
    assert row["instrument_label"] == "湾(滩)长制"
    assert row["instrument_type"] == vocabulary("instrument")[bay_chief()].prop("instrumentType")
    assert "湾(滩)长制" in row["sentence"] and row["document"].endswith("000_dc428a24ed234c6a")
    assert row["left_censored"] == 1  # Fuzhou's only document is for 2021


def test_adoption_events_are_one_per_place_and_instrument(data):
    events = data.events
    assert not events.duplicated(["adcode", "instrument"]).any()
    assert set(events["place"]) == FIVE_PLACES
    assert (events["mentions"] >= 1).all() and events["sentence"].str.len().gt(0).all()
    # 鹿城区 (a district of 温州市) reports and plans across 2023 and 2024
    lucheng = events[events["place"] == "鹿城区"]
    assert set(lucheng["first_year"]) <= {2023, 2024} and (lucheng["parent"] == "温州市").all()


def test_first_year_is_the_earliest_mention(store, data):
    from policykg.graph.diffusion import adoption_mentions

    mentions = adoption_mentions(store).dropna(subset=["year"])
    earliest = mentions.groupby(["adcode", "instrument"])["year"].min()
    joined = data.events.set_index(["adcode", "instrument"])["first_year"]
    assert (joined == earliest.loc[joined.index]).all()


def test_panel_drops_a_place_after_it_adopts(data):
    panel = data.panel
    assert set(panel["adopted"]) == {0, 1}
    # at most one adoption per place and instrument, and it is the last row of that risk set
    for (_, _), rows in panel.groupby(["adcode", "instrument"]):
        years = rows.sort_values("year")
        assert years["adopted"].sum() <= 1
        if years["adopted"].sum():
            assert years["adopted"].iloc[-1] == 1
    # 泉州市 covers 2022 and 2023: what it adopted in 2022 has no 2023 row; what it never adopts has both
    quanzhou = panel[panel["place"] == "泉州市"]
    adopted_2022 = set(
        data.events[(data.events["place"] == "泉州市") & (data.events["first_year"] == 2022)]["instrument"]
    )
    assert adopted_2022
    for code in adopted_2022:
        assert list(quanzhou[quanzhou["instrument"] == code]["year"]) == [2022]
    assert list(quanzhou[quanzhou["instrument"] == bay_chief()]["year"]) == [2022, 2023]
    # 福州市 adopts 湾(滩)长制 in 2021, its only observed year: one row, adopted
    fuzhou = panel[(panel["place"] == "福州市") & (panel["instrument"] == bay_chief())]
    assert fuzhou[["year", "adopted"]].values.tolist() == [[2021, 1]]


def test_panel_counts_earlier_adopters(data):
    panel, events = data.panel, data.events
    code = bay_chief()
    row = panel[(panel["place"] == "泉州市") & (panel["instrument"] == code) & (panel["year"] == 2023)].iloc[
        0
    ]
    earlier = events[
        (events["instrument"] == code) & (events["first_year"] < 2023) & (events["place"] != "泉州市")
    ]
    assert row["prior_adopters"] == len(earlier) >= 1  # 福州市, 2021
    assert row["prior_adopters_same_province"] == (earlier["province_code"] == "350000").sum()


def test_wide_panel_is_empty_after_adoption(data):
    wide = data.panel_wide.set_index(["adcode", "year"])
    code = bay_chief()
    assert wide.loc[("350100", 2021), code] == 1
    adopted = data.events[(data.events["place"] == "泉州市") & (data.events["first_year"] == 2022)][
        "instrument"
    ]
    for instrument in adopted:
        assert wide.loc[("350500", 2022), instrument] == 1
        assert pd.isna(wide.loc[("350500", 2023), instrument])
    assert len(wide) == len(data.panel_wide.drop_duplicates(["adcode", "year"]))


def test_dyads_pair_each_risk_row_with_every_other_place(data):
    dyads, panel = data.dyads, data.panel
    assert list(dyads.columns) == [c for spec in COLUMNS["dyads"] for c in spec.split(", ")]
    assert len(dyads) == len(panel) * (len(FIVE_PLACES) - 1)
    assert (dyads["adcode_i"] != dyads["adcode_j"]).all()
    code = bay_chief()
    row = dyads[
        (dyads["place_i"] == "泉州市")
        & (dyads["place_j"] == "福州市")
        & (dyads["instrument"] == code)
        & (dyads["year"] == 2022)
    ].iloc[0]
    assert row["j_adopted_before"] == 1 and row["j_first_year"] == 2021
    assert row["same_province"] == 1 and row["same_parent"] == 1 and row["i_adopted"] == 0
    other = dyads[(dyads["place_i"] == "泉州市") & (dyads["place_j"] == "衡阳市")].iloc[0]
    assert other["same_province"] == 0 and other["same_parent"] == 0
    lucheng = dyads[(dyads["place_i"] == "鹿城区") & (dyads["place_j"] == "衢州市")].iloc[0]
    assert lucheng["same_province"] == 1 and lucheng["same_parent"] == 0  # 温州市 vs 浙江省


def test_cumulative_adopters_grow_to_the_number_of_adopters(data):
    cumulative = data.cumulative
    assert cumulative.index.is_monotonic_increasing
    assert (cumulative.diff().fillna(0) >= 0).all().all()
    totals = data.events.groupby("instrument").size()
    assert (cumulative.iloc[-1] == totals.loc[cumulative.columns]).all()


def test_write_diffusion_files(data, tmp_path: Path):
    written = write_diffusion(data, tmp_path)
    names = {p.name for p in written}
    assert {
        "adoption_events.csv",
        "panel.csv",
        "panel_wide.csv",
        "dyads.csv",
        "cumulative_adopters.png",
    } <= names
    events = pd.read_csv(tmp_path / "adoption_events.csv", dtype={"adcode": str, "province_code": str})
    assert len(events) == len(data.events) and "湾(滩)长制" in set(events["instrument_label"])
    png = (tmp_path / "cumulative_adopters.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    if parquet_available():
        back = pd.read_parquet(tmp_path / "panel.parquet")
        assert len(back) == len(data.panel) and list(back.columns) == list(data.panel.columns)
    else:
        assert not list(tmp_path.glob("*.parquet"))
    csv_only = write_diffusion(data, tmp_path / "csv", parquet=False)
    assert not [p for p in csv_only if p.suffix == ".parquet"]


def test_diffusion_command(built, tmp_path: Path):
    _, path = built
    out = tmp_path / "diffusion"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "policykg",
            "diffusion",
            "--out",
            str(out),
            "--store",
            str(path),
            "-i",
            bay_chief(),
        ],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    events = pd.read_csv(out / "adoption_events.csv", dtype={"adcode": str})
    assert set(events["instrument"]) == {bay_chief()} and "350100" in set(events["adcode"])
    panel = pd.read_csv(out / "panel.csv")
    assert set(panel["instrument"]) == {bay_chief()}
    helped = subprocess.run(
        [sys.executable, "-m", "policykg", "diffusion", "--help"], capture_output=True, text=True, timeout=600
    )
    assert "j_adopted_before" in helped.stdout and "left_censored" in helped.stdout
    unknown = subprocess.run(
        [
            sys.executable,
            "-m",
            "policykg",
            "diffusion",
            "--out",
            str(out),
            "--store",
            str(path),
            "-i",
            "no_such",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert unknown.returncode != 0 and "no_such" in unknown.stderr and "Traceback" not in unknown.stderr


def test_readme_documents_every_column():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Policy diffusion data", 1)[1].split("\n## ", 1)[0]
    for table, columns in COLUMNS.items():
        assert f"`{table}.csv`" in section
        for name in columns:
            for column in name.split(", "):
                assert f"`{column}`" in section, (table, column)
