"""Policy-diffusion tables: who adopted which instrument when, in the shapes models expect.

Everything is read from two ready questions (``adoption-events`` and
``diffusion-places``) through ``run_query`` and shaped with pandas, so the
tables are the same whether the graph is the embedded store or a SPARQL
server, and every adoption keeps the document and sentence it came from.

The tables (``COLUMNS`` documents every column; ``policykg diffusion`` writes them):

- ``adoption_events``: one row per place and instrument, its first year;
- ``panel``: the discrete-time event-history panel, one row per place,
  instrument and observed year while the place is at risk of adopting: the
  row of the adoption year has ``adopted = 1`` and the place then leaves that
  instrument's risk set (no later rows);
- ``panel_wide``: the same as a place × year table with one 0/1 column per
  instrument, empty once the place has adopted it;
- ``dyads``: directed dyads, one row per panel row of place *i* and every
  other place *j*: did *j* adopt before that year, same province, same parent.

A place is observed in the years its documents plan or report; it enters
every risk set in its first observed year. An instrument a place already had
before its first document is seen first there: ``left_censored`` marks those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

# pandas and the query runner are imported where they are used, so that importing this
# module (`policykg diffusion --help` shows COLUMNS) stays cheap.
if TYPE_CHECKING:
    import pandas as pd

    from policykg.queries.run import SparqlSource

PLACE_COLUMNS = ["place", "adcode", "level", "province", "province_code", "parent", "parent_code"]

# Every column of every table, with its meaning: the README and `policykg diffusion --help` show these.
COLUMNS: dict[str, dict[str, str]] = {
    "adoption_events": {
        "place": "name of the place (city, county or district)",
        "adcode": "its GB/T 2260 code (6 digits)",
        "level": "province, prefecture, county or district",
        "province": "name of its province",
        "province_code": "GB/T 2260 code of its province",
        "parent": "name of the region directly above it",
        "parent_code": "GB/T 2260 code of that region",
        "instrument": "notation of the instrument in ontology/vocab/instrument.ttl (e.g. bay_chief)",
        "instrument_label": "Chinese name of the instrument (e.g. 湾(滩)长制)",
        "instrument_label_en": "English name of the instrument",
        "instrument_type": "command_and_control, market_based, informational or organisational",
        "first_year": "first year any of the place's documents sets up, extends or reports it",
        "status": "planned or reported, in that first mention",
        "first_observed_year": "first year the place's documents cover",
        "left_censored": "1 if first_year is the place's first observed year (it may be older)",
        "mentions": "how many times the place's documents mention the instrument",
        "document": "IRI of the document of the first mention (its named graph)",
        "sentence": "the sentence of the first mention",
    },
    "panel": {
        "place, adcode, level, province, province_code, parent, parent_code": "the place, as above",
        "instrument": "notation of the instrument",
        "instrument_type": "type of the instrument",
        "year": "an observed year in which the place is at risk of adopting the instrument",
        "adopted": "1 in the year the place adopts the instrument (its last row), else 0",
        "prior_adopters": "places that adopted the instrument in an earlier year",
        "prior_adopters_same_province": "of those, places in the same province",
        "prior_adopters_same_parent": "of those, places with the same parent region",
    },
    "panel_wide": {
        "place, adcode, level, province, province_code, parent, parent_code": "the place, as above",
        "year": "an observed year of the place",
        "<instrument notation>": "one column per instrument: 0 while at risk, 1 in the adoption year, "
        "empty after it (the place has left the risk set)",
    },
    "dyads": {
        "place_i, adcode_i": "the place at risk (i)",
        "place_j, adcode_j": "another place (j)",
        "instrument": "notation of the instrument",
        "year": "a year in which i is at risk of adopting the instrument",
        "i_adopted": "1 if i adopts the instrument that year",
        "j_adopted_before": "1 if j adopted the instrument in an earlier year",
        "j_first_year": "the year j first adopted it (empty if never)",
        "same_province": "1 if i and j lie in the same province",
        "same_parent": "1 if i and j have the same parent region",
    },
}


def adoption_mentions(source: SparqlSource) -> pd.DataFrame:
    """Every instrument mention (the ``adoption-events`` ready question)."""
    from policykg.queries.run import run_query

    return run_query(source, "adoption-events").to_frame()


def observed_places(source: SparqlSource) -> pd.DataFrame:
    """Each place with the years its documents cover (``diffusion-places``), one row per place and year."""
    from policykg.queries.run import run_query

    frame = run_query(source, "diffusion-places").to_frame()
    return (
        frame[[*PLACE_COLUMNS, "year"]].drop_duplicates().sort_values(["adcode", "year"], ignore_index=True)
    )


def _flag(series: pd.Series) -> pd.Series:
    return series.astype(bool).astype(int)


def adoption_events(mentions: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Each place's first adoption of each instrument, with the document and sentence.

    Mentions without a year cannot be placed in time and are left out.
    """
    import pandas as pd

    columns = list(COLUMNS["adoption_events"])
    dated = mentions.dropna(subset=["year"])
    if dated.empty:
        return pd.DataFrame(columns=columns)
    dated = dated.sort_values(["adcode", "instrument", "year", "document", "start"], kind="stable")
    counts = dated.groupby(["adcode", "instrument"]).size().rename("mentions")
    first = dated.drop_duplicates(["adcode", "instrument"]).rename(columns={"year": "first_year"})
    first = first.merge(counts, on=["adcode", "instrument"])
    start = places.groupby("adcode")["year"].min().rename("first_observed_year")
    first = first.merge(start, on="adcode", how="left")
    first["first_observed_year"] = first["first_observed_year"].fillna(first["first_year"])
    first["left_censored"] = _flag(first["first_year"] <= first["first_observed_year"])
    for column in ("first_year", "first_observed_year", "mentions"):
        first[column] = first[column].astype(int)
    return first[columns].sort_values(["instrument", "first_year", "adcode"], ignore_index=True)


def _places_table(places: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One row per place: those with documents, and any that only the events name."""
    import pandas as pd

    table = pd.concat([places[PLACE_COLUMNS], events[PLACE_COLUMNS]]).drop_duplicates("adcode")
    return table.sort_values("adcode", ignore_index=True)


def risk_panel(
    events: pd.DataFrame, places: pd.DataFrame, instruments: list[str] | None = None
) -> pd.DataFrame:
    """The event-history panel (see the module docstring), for every instrument some place adopts.

    ``instruments`` limits it to those notations.
    """
    import pandas as pd

    columns = [*PLACE_COLUMNS, "instrument", "instrument_type", "year", "adopted"]
    columns += ["prior_adopters", "prior_adopters_same_province", "prior_adopters_same_parent"]
    kinds = events[["instrument", "instrument_type"]].drop_duplicates("instrument")
    if instruments is not None:
        kinds = kinds[kinds["instrument"].isin(instruments)]
    years = places[["adcode", "year"]].drop_duplicates()
    if kinds.empty or years.empty:
        return pd.DataFrame(columns=columns)
    grid = years.merge(kinds, how="cross")
    adopted = events[["adcode", "instrument", "first_year"]]
    grid = grid.merge(adopted, on=["adcode", "instrument"], how="left")
    # At risk until the adoption year, inclusive; never-adopters stay at risk in every observed year.
    grid = grid[grid["first_year"].isna() | (grid["year"] <= grid["first_year"])].copy()
    grid["adopted"] = (grid["year"] == grid["first_year"]).astype(int)
    grid = grid.merge(_places_table(places, events), on="adcode", how="left")

    # Earlier adopters, all and in the same province / parent, counted per (instrument, year).
    meta = _places_table(places, events)[["adcode", "province_code", "parent_code"]]
    prior = adopted.merge(meta, on="adcode", how="left")
    pairs = grid[["adcode", "instrument", "year", "province_code", "parent_code"]].merge(
        prior, on="instrument", suffixes=("", "_j")
    )
    pairs = pairs[(pairs["first_year"] < pairs["year"]) & (pairs["adcode_j"] != pairs["adcode"])]
    pairs = pairs.assign(
        same_province=pairs["province_code"] == pairs["province_code_j"],
        same_parent=pairs["parent_code"] == pairs["parent_code_j"],
    )
    counted = pairs.groupby(["adcode", "instrument", "year"]).agg(
        prior_adopters=("adcode_j", "nunique"),
        prior_adopters_same_province=("same_province", "sum"),
        prior_adopters_same_parent=("same_parent", "sum"),
    )
    grid = grid.merge(counted, on=["adcode", "instrument", "year"], how="left")
    for column in ("prior_adopters", "prior_adopters_same_province", "prior_adopters_same_parent"):
        grid[column] = grid[column].fillna(0).astype(int)
    grid["year"] = grid["year"].astype(int)
    return grid[columns].sort_values(["instrument", "adcode", "year"], ignore_index=True)


def wide_panel(panel: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Place × observed year, one column per instrument: 0 at risk, 1 adopted that year, empty after."""
    rows = places[[*PLACE_COLUMNS, "year"]].drop_duplicates(["adcode", "year"])
    if panel.empty:
        return rows.sort_values(["adcode", "year"], ignore_index=True)
    wide = panel.pivot_table(index=["adcode", "year"], columns="instrument", values="adopted", aggfunc="max")
    wide = wide.astype("Int64").reset_index()
    wide.columns.name = None
    out = rows.merge(wide, on=["adcode", "year"], how="left")
    return out.sort_values(["adcode", "year"], ignore_index=True)


def dyads(panel: pd.DataFrame, events: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Directed dyads: each panel row of place i paired with every other place j."""
    import pandas as pd

    columns = ["place_i", "adcode_i", "place_j", "adcode_j", "instrument", "year", "i_adopted"]
    columns += ["j_adopted_before", "j_first_year", "same_province", "same_parent"]
    if panel.empty:
        return pd.DataFrame(columns=columns)
    meta = _places_table(places, events)[["adcode", "place", "province_code", "parent_code"]]
    left = panel[["adcode", "place", "province_code", "parent_code", "instrument", "year", "adopted"]]
    pairs = left.merge(meta, how="cross", suffixes=("_i", "_j"))
    pairs = pairs[pairs["adcode_i"] != pairs["adcode_j"]]
    first = events[["adcode", "instrument", "first_year"]].rename(
        columns={"adcode": "adcode_j", "first_year": "j_first_year"}
    )
    pairs = pairs.merge(first, on=["adcode_j", "instrument"], how="left")
    pairs["j_first_year"] = pairs["j_first_year"].astype("Int64")
    pairs["i_adopted"] = pairs["adopted"]
    pairs["j_adopted_before"] = (pairs["j_first_year"] < pairs["year"]).fillna(False).astype(int)
    pairs["same_province"] = _flag(pairs["province_code_i"] == pairs["province_code_j"])
    pairs["same_parent"] = _flag(pairs["parent_code_i"] == pairs["parent_code_j"])
    return pairs[columns].sort_values(["instrument", "adcode_i", "year", "adcode_j"], ignore_index=True)


def cumulative_adopters(events: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Year × instrument: how many places had adopted each instrument by the end of each year."""
    import pandas as pd

    if events.empty or not years:
        return pd.DataFrame(index=pd.Index(years, name="year"))
    per_year = events.groupby(["first_year", "instrument"]).size().unstack(fill_value=0)
    span = range(min(min(years), per_year.index.min()), max(max(years), per_year.index.max()) + 1)
    cumulative = per_year.reindex(span, fill_value=0).cumsum()
    cumulative.index.name = "year"
    return cumulative


@dataclass
class DiffusionData:
    """The diffusion tables of one graph."""

    events: pd.DataFrame
    panel: pd.DataFrame
    panel_wide: pd.DataFrame
    dyads: pd.DataFrame
    cumulative: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)  # instrument notation -> Chinese name

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables ``policykg diffusion`` writes, by file stem."""
        return {
            "adoption_events": self.events,
            "panel": self.panel,
            "panel_wide": self.panel_wide,
            "dyads": self.dyads,
        }


def diffusion_data(source: SparqlSource, instruments: list[str] | None = None) -> DiffusionData:
    """Every diffusion table of the graph behind ``source`` (``instruments`` limits them)."""
    places = observed_places(source)
    events = adoption_events(adoption_mentions(source), places)
    if instruments is not None:
        events = events[events["instrument"].isin(instruments)].reset_index(drop=True)
    panel = risk_panel(events, places, instruments)
    years = sorted(set(places["year"].astype(int)))
    labels = dict(zip(events["instrument"], events["instrument_label"], strict=False))
    return DiffusionData(
        events=events,
        panel=panel,
        panel_wide=wide_panel(panel, places),
        dyads=dyads(panel, events, places),
        cumulative=cumulative_adopters(events, years),
        labels=labels,
    )


def _cjk_font() -> str | None:
    """A font family that can draw Chinese, if one is installed (sans-serif first)."""
    from matplotlib import font_manager

    names = sorted({f.name for f in font_manager.fontManager.ttflist})
    for wanted in ("Sans CJK SC", "Sans CJK", "Sans SC", "CJK", "WenQuanYi", "SimHei"):
        for name in names:
            if wanted in name:
                return name
    return None


def plot_cumulative(data: DiffusionData, out: Path, top: int = 10) -> Path:
    """PNG of cumulative adopters by year for the ``top`` most adopted instruments."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    cumulative = data.cumulative
    font = _cjk_font()
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=110)
    if cumulative.empty or cumulative.shape[1] == 0:
        ax.text(0.5, 0.5, "no dated instrument adoptions in the graph", ha="center", transform=ax.transAxes)
    else:
        final = cumulative.iloc[-1].sort_values(ascending=False, kind="stable")
        shown = list(final.index[:top])
        for i, code in enumerate(shown):
            # A small vertical offset per line keeps instruments with the same counts apart.
            offset = (i - (len(shown) - 1) / 2) * 0.03
            label = f"{data.labels.get(code, code)} ({code})" if font else code
            ax.step(cumulative.index, cumulative[code] + offset, where="post", marker="o", ms=3, label=label)
        ax.set_xticks(list(cumulative.index))
        ax.legend(
            fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), prop={"family": font} if font else None
        )
    ax.set_xlabel("year")
    ax.set_ylabel("places that have adopted (cumulative)")
    ax.set_title(f"Cumulative adopters per instrument (top {top} by adopters)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out


def parquet_available() -> bool:
    """Whether pandas can write Parquet here (pyarrow installed)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def write_diffusion(data: DiffusionData, out_dir: Path, *, parquet: bool | None = None) -> list[Path]:
    """Write the tables as CSV (and Parquet when pyarrow is installed) and the plot; the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parquet = parquet_available() if parquet is None else parquet
    written: list[Path] = []
    for stem, table in data.tables().items():
        csv = out_dir / f"{stem}.csv"
        table.to_csv(csv, index=False, encoding="utf-8")
        written.append(csv)
        if parquet:
            path = out_dir / f"{stem}.parquet"
            table.to_parquet(path, index=False)
            written.append(path)
    written.append(plot_cumulative(data, out_dir / "cumulative_adopters.png"))
    return written


def columns_help() -> str:
    """The documentation of every column, as plain text for a command's help."""
    parts = []
    for table, columns in COLUMNS.items():
        parts.append(f"{table}.csv: " + "; ".join(f"{name}: {text}" for name, text in columns.items()) + ".")
    return "\n\n".join(parts)
