"""The statistics engine as it was before the scale work of issue 13 (commit 327dea5), kept so that
``scale.py --before`` measures the old and the new engine on the same lines in one run: a sort by the
string keys and the value per level, a second sort by deviation for the MAD, and a refresh that recomputes
every touched cell from all its lines."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from caribclear.valuation.stats import HIERARCHY, KEY_COLUMNS, LEVELS, QUANTILES, Period


def _gather(values: pl.Series, start: pl.Series, n: pl.Series, q: float) -> pl.Series:
    """The q-quantile (linear interpolation, numpy's default) of each group, from one array sorted by group
    then value, where group i holds rows ``start[i] .. start[i] + n[i] - 1``."""
    position = (n - 1).cast(pl.Float64) * q
    low = position.floor().cast(pl.Int64)
    high = position.ceil().cast(pl.Int64)
    frac = position - low.cast(pl.Float64)
    v_low = values.gather(start + low)
    v_high = values.gather(start + high)
    return v_low + (v_high - v_low) * frac


def _level_stats(lines: pl.DataFrame, level: str) -> pl.DataFrame:
    """One sort by cell and value, then every quantile is two gathers (no per-group sort per statistic);
    the MAD is the median of a second sort by absolute deviation."""
    keys = list(LEVELS[level])
    if level == "exporter":
        lines = lines.filter(pl.col("exporter") != "")
    elif level == "national":
        lines = lines.filter(pl.col("hs").str.len_chars() > 6)
    if lines.is_empty():
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    ordered = lines.select([*keys, "luv", "importer", "admin"]).sort([*keys, "luv"])
    groups = (
        ordered.with_row_index("row")
        .group_by(keys, maintain_order=True)
        .agg(
            pl.col("row").first().cast(pl.Int64).alias("start"),
            pl.len().alias("n"),
            pl.col("importer").n_unique().alias("importers"),
            pl.col("admin").n_unique().alias("administrations"),
            pl.col("luv").mean().alias("mean"),
            pl.col("luv").std().fill_null(0.0).alias("sd"),
        )
    )
    values, start, n = ordered["luv"], groups["start"], groups["n"].cast(pl.Int64)
    columns = {"median": _gather(values, start, n, 0.5)}
    for name, q in QUANTILES.items():
        columns[name] = _gather(values, start, n, q)
    groups = groups.with_columns(**{k: v for k, v in columns.items()})
    deviations = (
        ordered.join(groups.select([*keys, "median"]), on=keys, how="left", maintain_order="left")
        .with_columns((pl.col("luv") - pl.col("median")).abs().alias("dev"))
        .sort([*keys, "dev"])
    )
    groups = groups.with_columns(mad=_gather(deviations["dev"], start, n, 0.5))
    top = (
        ordered.group_by([*keys, "importer"])
        .len()
        .group_by(keys)
        .agg(pl.col("len").max().alias("top_importer_lines"))
    )
    out = groups.join(top, on=keys).with_columns(
        (pl.col("top_importer_lines") / pl.col("n")).alias("top_share"), pl.lit(level).alias("level")
    )
    out = out.drop("top_importer_lines", "start")
    for column in KEY_COLUMNS:
        if column not in keys:
            out = out.with_columns(pl.lit("").alias(column))
    return out


OUTPUT_COLUMNS = (
    "level", *KEY_COLUMNS, "n", "importers", "administrations", "top_share", "median", "mad",
    *QUANTILES, "mean", "sd",
)  # fmt: skip


OUTPUT_SCHEMA = {
    "level": pl.String,
    **dict.fromkeys(KEY_COLUMNS, pl.String),
    **dict.fromkeys(("n", "importers", "administrations"), pl.UInt32),
    **dict.fromkeys(("top_share", "median", "mad", *QUANTILES, "mean", "sd"), pl.Float64),
}


def build(lines: pl.DataFrame, period: Period, levels: Iterable[str] = HIERARCHY) -> pl.DataFrame:
    """Every cell of the given levels over the lines dated in the period."""
    window = lines.filter(pl.col("day").is_between(period.start, period.end))
    parts = [_level_stats(window, level).select(OUTPUT_COLUMNS) for level in levels]
    return pl.concat(parts, how="vertical") if parts else pl.DataFrame()


def touched(new_lines: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The keys, per level, of the cells new lines fall in (what an incremental refresh recomputes)."""
    found: dict[str, pl.DataFrame] = {}
    for level, keys in LEVELS.items():
        part = new_lines
        if level == "exporter":
            part = part.filter(pl.col("exporter") != "")
        elif level == "national":
            part = part.filter(pl.col("hs").str.len_chars() > 6)
        found[level] = part.select(list(keys)).unique()
    return found


def refresh(lines: pl.DataFrame, new_lines: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Only the cells the new lines touch, recomputed from ``lines`` (which already includes them): the
    rows to upsert. Other cells are unchanged."""
    window = lines.filter(pl.col("day").is_between(period.start, period.end))
    parts = []
    for level, keys in touched(new_lines).items():
        if keys.is_empty():
            continue
        subset = window.join(keys, on=list(LEVELS[level]), how="semi")
        parts.append(_level_stats(subset, level).select(OUTPUT_COLUMNS))
    return pl.concat(parts, how="vertical") if parts else pl.DataFrame()
