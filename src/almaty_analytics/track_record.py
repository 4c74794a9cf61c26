"""The forecasts' own track record: what the project's methods forecast at each real-time vintage, against the outturn.

**Vintages.** 1 August of each year from ``FIRST_YEAR`` (2015, the first summer after the 2014/15 boundary change)
to the data cutoff's, and the model vintage (``io.FIRST_VINTAGE``), those up to the run's as-of date. At a vintage V
every series is read with ``io.read_table(..., vintage=V)`` alone: the releases published by V (the historic BNS rows
are dated by their usual release lag; the conventions and their caveat are in data/raw/datapackage.yaml).

**Method** (``track_record``, one plain loop over vintages and series). The series known at V, with the level shifts
known at V removed (``evaluation.adjust_level_shifts``), is backtested from the ``ORIGINS`` (10) origins before its last
year, 1-5 years ahead (``evaluation.rolling_origin_backtest``), with the benchmarks of the domain's own backtest (population:
naive, drift, log drift, damped trend; schools and emissions: naive, drift, log drift). The method with the lowest
MAPE there (``evaluation.best_method``, the rule by which the population report picks its benchmark) forecasts 1-5
years from the last year.

**Interval**: an empirical prediction interval (Williams & Goodman 1971, JASA 66; for population forecasts Rayer, Smith &
Tayman 2009, Population Research and Policy Review 28) from the split-conformal finite-sample quantile
(``evaluation.conformal_quantile``: the ⌈(n + 1)·0.8⌉-th smallest of n) of that method's |percentage error| at h in the
same backtest (origins before V only). The errors are those the outturn would give (``published_errors``): each
origin's forecast on the basis of its own training data, against the series as the vintage holds it, so a level
shift after the origin counts as an error (a future census re-basing or boundary change is a real risk, and the
outturn keeps it). q_h gives [F / (1 + q_h), F / (1 − q_h)], the outturns whose percentage error (F − A) / A lies
within ±q_h. Stationary emissions keep the shift-adjusted errors (``Series.shifts_in_errors``): their one shift, the
TPP-2 plant inside the city limits from 2014, multiplied the series by 3.5 and cannot recur at that size.
Measured at the newest data (95 comparable forecasts with an outturn and an interval): with the shift-adjusted errors
37% of outturns lay inside (median width 5% of the forecast); with these, 68% (width 15%): population 28 of 31 (90%),
schools 20 of 31 (65%: the count's growth after 2014 is faster than any earlier backtest showed), emissions 15 of 25
(60%), districts 2 of 8 (the share's error). Before the forecasts across the 2022 change of survey scope were set
apart (``comparable``), 102 forecasts, 72 inside (71%), emissions 22 of 32 (69%): those 7 were all inside.
Pooling horizons by √h, log errors or every earlier origin instead of ten did not raise it.
Districts: the city forecast times each district's share in the newest district table the vintage holds
(the BNS bulletin; before it, the programme's undated table), with the city's relative interval (the share's own error
is not in it: there is no district series to measure it on).

Why benchmarks and not the models: the cohort model and the emission driver method read the programme (published
2022-09-12) and UN WPP 2022 (July 2022), so they cannot run at the earlier vintages; the benchmark each backtest
chooses is the forecast that could have been made then, and one rule for every vintage keeps the record comparable.
At the model vintage the record also keeps the emission model's own stationary baseline (``baseline_rows``, series
``stationary_emissions_baseline``, method ``driver``): ``emissions.backtest.baseline_path`` from the newest BNS year
(2021 then) with the model's default parameters and its Monte Carlo interval, forecast × exp(±Z80 × stationary_level_sd),
the sd calibrated on the backtest of the vintage's own data (origins from 2014).

**Outturn**: the newest release of each figure the run may read (``io.read_table`` at the run's vintage). A census
re-basing or boundary change after V is an error the forecast made (as the official series in the population
backtest). A change of survey scope is not (``comparable``): where one of the row's series (``level_shifts`` of kind
scope known at the run's vintage, by ``SHIFT_SERIES``) lies between origin_year and year, the outturn is on another
definition (BNS stationary emissions from 2022 leave category IV objects out) and no sourced factor links the two, so
the row keeps forecast and outturn but gets no error and no coverage, and stays out of every pooled figure. This is a
fact of the data, not of the method: it applies to the benchmarks and the baseline alike. Not in the record: births
(the data hold one full year, 2022). The school series is the BNS count of schools, the one the school backtest scores.

**Pupils** (``pupil_rows``): at the model vintage (the school model reads the programme; at the later vintages its base is
the 2022/23 count itself, no forecast), the pupils the school model starts from in the vintage's school year: state pupils counted (at mid-2022 the programme's 292 thousand of 2022/23,
line 303), private pupils from the private share (at mid-2022 the dated estimate, 88 private schools times the national
pupils a school), all schools their sum; horizon 0, no interval; scored against the newest count of that school year
(2022/23: 292,015 state, 28,586 private, 320,601 all, June 2023). Its later years wait for counts published after the
data cutoff.

**Arithmetic** (pure, tested on a toy series): ``scored`` (error = forecast − outturn, error_pct = 100·error / outturn,
covered = lo_80 ≤ outturn ≤ hi_80, each only where comparable), ``coverage_rate`` and ``accuracy_by_horizon`` (MAPE and
coverage by horizon, comparable rows only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import emissions, evaluation, io
from .emissions.backtest import BENCHMARKS as EMISSION_METHODS
from .emissions.backtest import baseline_path
from .emissions.inventory import chp_share, inventory, stationary_total
from .schools.backtest import BREAK_YEAR as SCHOOL_BREAK_YEAR
from .schools.backtest import METHODS as SCHOOL_METHODS
from .schools.base import school_base
from .schools.pupils import school_year, school_year_of_date
from .tablespec import TableSpec

FIRST_YEAR = 2015  # the first 1 August vintage: the population series holds the 2014/15 boundary change from then
VINTAGE_DAY = "08-01"  # each year's real-time vintage: 1 August, after the BNS releases of the first half-year
HORIZONS = (1, 2, 3, 4, 5)
ORIGINS = 10  # backtest origins per vintage: the newest ten before its last year (the population backtest has ten, 2010-2019)
LEVEL = 0.8  # the interval's coverage
COLUMNS = ["vintage", "series", "area", "method", "origin_year", "year", "horizon", "forecast", "lo_80", "hi_80", "outturn",
           "comparable", "error", "error_pct", "covered", "unit"]
DISTRICTS = "population_districts"  # the series id of the district rows


@dataclass(frozen=True)
class Series:
    """A headline series: rows of ``table`` matching ``select``, ``value`` by ``period``, its level shifts and methods."""

    name: str
    table: str
    select: tuple[tuple[str, str], ...]
    period: str
    value: str
    unit: str
    methods: dict
    shifts: str = ""  # the level_shifts series holding its breaks
    breaks: tuple[int, ...] = ()  # breaks its domain's backtest cuts at without a level_shifts row
    shifts_in_errors: bool = True  # the interval's errors keep the level shifts after each origin (see the docstring)


SERIES = (
    Series("population", "bns_population_1jan", (("area", "almaty"), ("sex", "total")), "year", "persons", "persons",
           evaluation.BENCHMARKS | evaluation.SMITH_TAYMAN, shifts="bns_population_1jan"),
    Series("schools", "bns_schools", (("area", "almaty"),), "start_year", "schools", "schools", SCHOOL_METHODS,
           breaks=(SCHOOL_BREAK_YEAR,)),
    Series("stationary_emissions", "bns_stationary_emissions", (("area", "almaty"),), "year", "emissions_kt", "thousand t/yr",
           EMISSION_METHODS, shifts="bns_stationary_emissions", shifts_in_errors=False),
)
PUPILS = ("pupils_state", "pupils_private", "pupils_all")  # the school model's pupils of its base school year (pupil_rows)
PUPIL_METHOD = "school_model_base"  # the counted state pupils and the private share the school model starts from
PUPIL_INPUTS = ("school_pupils", "programme_schools", "dated_statements")
BASELINE = "stationary_emissions_baseline"  # the emission model's stationary baseline at the model vintage (baseline_rows)
BASELINE_METHOD = "driver"
BASELINE_INPUTS = ("bns_stationary_emissions", "level_shifts", "bns_population_1jan", "programme_emission_inventory")
SHIFT_SERIES = {spec.name: spec.shifts for spec in SERIES if spec.shifts} | {
    DISTRICTS: "bns_population_1jan", BASELINE: "bns_stationary_emissions"}  # the level_shifts series of each record series
INPUTS = sorted({s.table for s in SERIES} | {"level_shifts", "bns_population_districts", "programme_districts", *PUPIL_INPUTS, *BASELINE_INPUTS})


def vintages(run_vintage: str) -> list[str]:
    """The as-of dates of the record: 1 August of FIRST_YEAR .. the cutoff's year and io.FIRST_VINTAGE, up to the run's."""
    last = min(run_vintage or io.DATA_CUTOFF, io.DATA_CUTOFF)
    dates = {f"{year}-{VINTAGE_DAY}" for year in range(FIRST_YEAR, int(io.DATA_CUTOFF[:4]) + 1)} | {io.FIRST_VINTAGE}
    return sorted(d for d in dates if d <= last)


def observed(spec: Series, vintage: str | None) -> pd.Series:
    """The series as of ``vintage`` (None: every release), by integer period."""
    frame = io.read_table(spec.table, vintage=vintage)
    for column, value in spec.select:
        frame = frame[frame[column] == value]
    series = frame.set_index(frame[spec.period].astype(int))[spec.value].astype(float).sort_index()
    series.index.name = "year"
    return series


def known_shifts(spec: Series, vintage: str, years: pd.Index) -> list[int]:
    """The level shifts of ``spec`` known at ``vintage`` that lie inside the observed ``years`` (first year after each)."""
    shifts = io.read_table("level_shifts", vintage=vintage)
    listed = shifts.loc[shifts["series"] == spec.shifts, "first_year_after"].astype(int).tolist()
    return sorted(s for s in {*listed, *spec.breaks} if s in years and s - 1 in years)


def forecast(y: pd.Series, shifts: list[int], methods: dict, shifts_in_errors: bool = True) -> tuple[str, pd.DataFrame]:
    """The method chosen on the backtest of ``y`` and its forecast of HORIZONS with the empirical 80% interval.

    Returns (method, frame of year, horizon, forecast, lo_80, hi_80); see the module docstring.
    """
    origins = list(y.index[:-1])[-ORIGINS:]
    backtest = evaluation.rolling_origin_backtest(y, methods, origins, list(HORIZONS), shift_years=shifts)
    backtest = backtest.dropna(subset=["actual"])
    method = evaluation.best_method(evaluation.accuracy(backtest), list(methods))
    train = evaluation.adjust_level_shifts(y, shifts)["adjusted"] if shifts else y
    point = methods[method](train, max(HORIZONS))["mean"].to_numpy()
    chosen = backtest[backtest["method"] == method]
    errors = (published_errors(chosen, y, shifts) if shifts_in_errors else chosen).groupby("horizon")["pct_error"]
    q = errors.apply(lambda e: evaluation.conformal_quantile(e.abs(), LEVEL) / 100).reindex(HORIZONS).to_numpy()
    origin = int(y.index[-1])
    return method, pd.DataFrame({
        "origin_year": origin, "year": [origin + h for h in HORIZONS], "horizon": list(HORIZONS), "forecast": point,
        "lo_80": point / (1 + q), "hi_80": point / np.maximum(1 - q, 1e-9),
    })


def published_errors(backtest: pd.DataFrame, y: pd.Series, shifts: list[int]) -> pd.DataFrame:
    """``backtest`` rows with each forecast moved back onto its origin's basis (the jumps after the origin taken off)
    and actual, pct_error against ``y`` as published: a level shift after the origin is an error, as in the outturn."""
    full = evaluation.adjust_level_shifts(y, shifts) if shifts else pd.DataFrame({"observed": y, "adjusted": y})
    later = full["adjusted"] - full["observed"]  # the sum of the jumps after each year
    point = backtest["forecast"] - backtest["origin"].map(later)
    actual = (backtest["origin"] + backtest["horizon"]).map(y)
    return backtest.assign(forecast=point, actual=actual, pct_error=100 * (point - actual) / actual).dropna(subset=["actual"])


def district_shares(vintage: str) -> tuple[pd.Series, str]:
    """Each district's share of the city in the newest district table at ``vintage``, and the table (empty: none)."""
    bns = io.read_table("bns_population_districts", vintage=vintage)
    if not bns.empty:
        newest = bns[(bns["sex"] == "total") & (bns["year"] == bns["year"].max())].set_index("district")["persons"]
        return newest / newest.sum(), "bns_population_districts"
    programme = io.read_table("programme_districts", vintage=vintage).set_index("district")["population_persons"]
    if programme.empty:
        return programme, ""
    return programme / programme.sum(), "programme_districts"


def district_outturns(vintage: str | None) -> pd.Series:
    """District populations on 1 January by (district, year), as of ``vintage``."""
    bns = io.read_table("bns_population_districts", vintage=vintage)
    total = bns[bns["sex"] == "total"]
    return total.set_index(["district", total["year"].astype(int)])["persons"].astype(float)


def pupil_rows(vintage: str, as_of: str | None) -> pd.DataFrame:
    """The school model's pupils of its base school year at ``vintage`` (state, private, all schools), against the newest
    counts of that school year as of ``as_of`` (horizon 0: the school year of the vintage, no interval: the model takes the
    state count as given and estimates the private share, ``schools.school_base``)."""
    tables = io.read_tables(PUPIL_INPUTS, vintage)
    base = school_base(tables["school_pupils"], tables["programme_schools"], tables["dated_statements"], school_year_of_date(vintage), 0.0)
    everything = base.state_pupils / (1 - base.private_share)
    forecasts = {"pupils_state": base.state_pupils, "pupils_private": everything - base.state_pupils, "pupils_all": everything}
    counts = io.read_table("school_pupils", vintage=as_of)
    counted = counts[(counts["kind"] == "counted") & (counts["school_year"] == school_year(base.school_year))].sort_values("date")
    newest = counted.groupby("sector")["pupils"].last().astype(float)
    return pd.DataFrame({
        "series": list(forecasts), "forecast": list(forecasts.values()), "lo_80": np.nan, "hi_80": np.nan,
        "outturn": [newest.get(name.removeprefix("pupils_"), np.nan) for name in forecasts], "origin_year": base.school_year,
        "year": base.school_year, "horizon": 0, "vintage": vintage, "area": "almaty", "method": PUPIL_METHOD, "unit": "pupils",
    })


def baseline_rows(vintage: str, outturns: pd.Series) -> pd.DataFrame:
    """The emission model's stationary baseline at ``vintage`` (the model vintage: it reads the programme's inventory)
    1-5 years from the newest BNS year, against ``outturns`` (BNS stationary emissions by year).

    ``emissions.backtest.baseline_path`` on the tables as of ``vintage``, with the model's default parameters
    (``emissions.PARAMETERS``: heat elasticity, CHP headroom, and the stationary inventory basis that sets the CHP share,
    TPP-2's 36 of the BNS total of the inventory year, ``emissions.inventory.chp_share``); interval forecast ×
    exp(±Z80 × stationary_level_sd), the sd calibrated on the backtest of what the vintage held."""
    tables = io.read_tables(BASELINE_INPUTS, vintage)
    defaults = {name: param.default for name, param in emissions.PARAMETERS.items()}
    programme, bns = tables["programme_emission_inventory"], tables["bns_stationary_emissions"]
    levels = inventory(programme, 0.0, stationary_total(defaults, programme, bns)).set_index("source")["emissions_kt"]
    path = baseline_path(bns, tables["level_shifts"], tables["bns_population_1jan"], HORIZONS, chp_share=chp_share(levels),
                         heat_elasticity=float(defaults["heat_elasticity"]), headroom=float(defaults["tpp2_capacity_headroom"]))
    unit = next(spec.unit for spec in SERIES if spec.table == "bns_stationary_emissions")
    return path.assign(vintage=vintage, series=BASELINE, area="almaty", method=BASELINE_METHOD, unit=unit, outturn=path["year"].map(outturns))


def comparable(rows: pd.DataFrame, shifts: pd.DataFrame) -> pd.Series:
    """False where a change of survey scope of the row's series (``shifts`` of kind scope, by ``SHIFT_SERIES``) lies
    between its origin and the year forecast (origin_year <= last_year_before and year >= first_year_after): the
    outturn then follows another definition than the forecast's data, with no sourced factor between them."""
    series = rows["series"].map(SHIFT_SERIES)
    crossed = pd.Series(False, index=rows.index)
    for change in shifts[shifts["kind"] == "scope"].itertuples(index=False):
        crossed |= (series == change.series) & (rows["origin_year"] <= int(change.last_year_before)) & (rows["year"] >= int(change.first_year_after))
    return ~crossed


def track_record(run_vintage: str) -> pd.DataFrame:
    """Every vintage's forecast of every headline series (COLUMNS), scored against the outturn as of ``run_vintage``."""
    as_of = io.vintage_date(run_vintage)
    outturns = {spec.name: observed(spec, as_of) for spec in SERIES}
    by_district = district_outturns(as_of)
    rows = []
    for vintage in vintages(run_vintage):
        for spec in SERIES:
            y = observed(spec, vintage)
            method, path = forecast(y, known_shifts(spec, vintage, y.index), spec.methods, spec.shifts_in_errors)
            rows.append(path.assign(vintage=vintage, series=spec.name, area="almaty", method=method, unit=spec.unit,
                                    outturn=path["year"].map(outturns[spec.name])))
            if spec.name != "population":
                continue
            shares, table = district_shares(vintage)
            for district, share in shares.items():
                outturn = [by_district.get((district, year), np.nan) for year in path["year"]]
                rows.append(path.assign(forecast=path["forecast"] * share, lo_80=path["lo_80"] * share, hi_80=path["hi_80"] * share,
                                        vintage=vintage, series=DISTRICTS, area=district, method=f"{method} × share ({table})",
                                        unit=spec.unit, outturn=outturn))
        if vintage == io.FIRST_VINTAGE:  # the school model's first vintage; later ones start from the count itself (no forecast)
            rows.append(pupil_rows(vintage, as_of))
            rows.append(baseline_rows(vintage, outturns["stationary_emissions"]))  # the emission model reads the programme too
    record = pd.concat(rows, ignore_index=True)
    return scored(record.assign(comparable=comparable(record, io.read_table("level_shifts", vintage=as_of))))[COLUMNS]


def cached_track_record(run_vintage: str) -> pd.DataFrame:
    """``track_record`` built once per vintage, raw inputs and code (data/processed/track_record/)."""
    record, _ = io.processed_object("track_record", {"vintage": run_vintage}, lambda: track_record(run_vintage), INPUTS)
    return record


# -- the track-record arithmetic (pure) --


def scored(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (forecast, lo_80, hi_80, outturn, comparable) with error = forecast − outturn, error_pct = 100·error / outturn
    and covered = lo_80 ≤ outturn ≤ hi_80 (empty where the outturn or the interval is missing, or the row is not comparable)."""
    comparable_rows = rows["comparable"].astype(bool)
    error = (rows["forecast"] - rows["outturn"]).where(comparable_rows)
    known = rows["outturn"].notna() & rows["lo_80"].notna() & rows["hi_80"].notna() & comparable_rows
    inside = (rows["lo_80"] <= rows["outturn"]) & (rows["outturn"] <= rows["hi_80"])
    return rows.assign(error=error, error_pct=100 * error / rows["outturn"], covered=inside.astype("boolean").where(known))


def coverage_rate(rows: pd.DataFrame) -> float:
    """The share of the scored rows (``covered`` not empty) whose outturn lay inside the 80% interval (NaN: none)."""
    covered = rows["covered"].dropna()
    return float(covered.astype(float).mean()) if len(covered) else float("nan")


def accuracy_by_horizon(record: pd.DataFrame) -> pd.DataFrame:
    """Per series and horizon: comparable forecasts with an outturn (n), MAPE (mean |error_pct|) and the 80% coverage rate."""
    rows = record[record["comparable"].astype(bool)].dropna(subset=["outturn"])
    table = rows.groupby(["series", "horizon"], sort=False).apply(
        lambda g: pd.Series({"n": len(g), "mape": float(g["error_pct"].abs().mean()), "coverage_80": coverage_rate(g)}),
        include_groups=False,
    )
    return table.reset_index().astype({"n": int})


# -- for reading (notebook 90_summary) --

DIGITS = {"persons": 0, "schools": 0, "thousand t/yr": 1, "pupils": 0}  # decimals shown per unit
CAVEATS = ("summary.track_after_vintage", "summary.track_after_origin_population", "summary.track_after_origin_schools",
           "summary.track_after_origin_emissions")  # what the record and each domain's backtest still take from later data


def facts(record: pd.DataFrame) -> dict[str, str]:
    """The intro's placeholders: the years of the first and last 1 August vintage, the model vintage, the comparable
    forecasts with an outturn and an interval, how many of them the interval held, and the forecasts with an outturn that
    are not comparable (a change of survey scope between origin and year: not scored)."""
    scored_rows = record.dropna(subset=["covered"])
    apart = int((record["outturn"].notna() & ~record["comparable"].astype(bool)).sum())
    inside = int(scored_rows["covered"].astype(bool).sum())
    august = record.loc[record["vintage"].str.endswith(VINTAGE_DAY), "vintage"].str[:4]
    return {"first": august.min(), "last": august.max(), "model": io.FIRST_VINTAGE,
            "n": str(len(scored_rows)), "inside": str(inside), "rate": f"{coverage_rate(record):.0%}" if len(scored_rows) else "–",
            "not_comparable": str(apart)}


def shown_accuracy(record: pd.DataFrame, t) -> pd.DataFrame:
    """accuracy_by_horizon for reading: one row per series, one column per horizon, "MAPE % (inside of n)"."""
    table = accuracy_by_horizon(record)
    rows = []
    for series, group in table.groupby("series", sort=False):
        row = {t.column("series"): t.term("track_series", series)}
        for r in group.itertuples():
            inside = "–" if pd.isna(r.coverage_80) else str(round(r.coverage_80 * r.n))
            row[t("summary.mape_at", h=r.horizon)] = t("summary.track_cell", mape=t.num(r.mape, 1), inside=inside, n=r.n)
        rows.append(row)
    columns = [t.column("series"), *(t("summary.mape_at", h=h) for h in sorted(table["horizon"].unique()))]  # horizons in order, whichever series has them
    return pd.DataFrame(rows, columns=columns).fillna("–")


def shown_forecasts(record: pd.DataFrame, vintage: str, t) -> pd.DataFrame:
    """The city's forecasts made at ``vintage`` for reading: series, method, year, forecast (80% interval), outturn, error %
    (not comparable: the outturn follows another survey scope, no error)."""
    rows = record[(record["vintage"] == vintage) & (record["area"] == "almaty")]
    out = []
    for r in rows.itertuples():
        digits = DIGITS.get(r.unit, 1)
        shown = "–" if pd.isna(r.outturn) else t.num(r.outturn, digits)
        out.append({
            t.column("series"): t.term("track_series", r.series), t.column("method"): t.term("method", r.method),
            t.column("year"): r.year,
            t.column("forecast"): t.num(r.forecast, digits) if pd.isna(r.lo_80) else f"{t.num(r.forecast, digits)} ({t.interval(r.lo_80, r.hi_80, digits)})",
            t.column("outturn"): shown, t.column("error_pct"): error_cell(r, t),
        })
    return pd.DataFrame(out)


def error_cell(row, t) -> str:
    """A record row's error % for reading: signed, "–" without an outturn, the not-comparable mark across a change of scope."""
    if pd.notna(row.outturn) and not row.comparable:
        return t("summary.track_not_comparable")
    return "–" if pd.isna(row.error_pct) else t.num(row.error_pct, 1, signed=True)


TABLES: dict[str, TableSpec] = {
    "track_record": TableSpec(
        "The forecasts' own track record: at each real-time vintage, the forecast of every headline series 1-5 years ahead "
        "with its 80% interval, against the outturn in the data",
        {
            "vintage": ("date", "the as-of date of the forecast: it saw only the releases published by then"),
            "series": ("", "population (1 January), population_districts, schools (BNS count), stationary_emissions, or at the model "
                           "vintage pupils_state, pupils_private, pupils_all (the school model's base school year) and "
                           "stationary_emissions_baseline (the emission model's stationary baseline)"),
            "area": ("", "almaty, or the district"),
            "method": ("", "the benchmark with the lowest MAPE in the backtest of what the vintage held (districts: times the share); "
                           "school_model_base; driver (the emission model's driver method)"),
            "origin_year": ("year", "the newest period of the series at the vintage"),
            "year": ("year", "the period forecast (1 January; school year starting that September; calendar year)"),
            "horizon": ("years", "year - origin_year (0: the pupils of the vintage's own school year)"),
            "forecast": ("see unit", "the central forecast"),
            "lo_80": ("see unit", "80% interval, lower: the conformal quantile of the vintage's own backtest errors against the series as published"),
            "hi_80": ("see unit", "80% interval, upper"),
            "outturn": ("see unit", "the newest release of the figure in the run's data (empty: not yet published)"),
            "comparable": ("", "false if a change of survey scope of the series (level_shifts.csv, kind scope) lies between "
                               "origin_year and year: the outturn is on another definition, so no error and no coverage"),
            "error": ("see unit", "forecast - outturn (empty: no outturn, or not comparable)"),
            "error_pct": ("percent", "100 x error / outturn; positive = over-forecast"),
            "covered": ("", "true if the outturn lies inside the 80% interval (empty: no outturn or interval, or not comparable)"),
            "unit": ("", "unit of forecast, interval, outturn and error"),
        },
        "track_record.track_record on data/raw (bns_population_1jan, bns_population_districts, programme_districts, bns_schools, "
        "bns_stationary_emissions, level_shifts; at the model vintage also school_pupils, programme_schools, dated_statements, "
        "programme_emission_inventory), each vintage through io.read_table(..., vintage=...)",
    ),
}


def paragraphs(record: pd.DataFrame, t) -> list[tuple[str, dict] | pd.DataFrame]:
    """The summary's track-record section (Page.paragraphs): the intro with its ``facts``, the accuracy by horizon
    (``shown_accuracy``), the forecasts made at the model vintage (``shown_forecasts``), what the record leaves out and
    what it still takes from later data (``CAVEATS``)."""
    told = facts(record)
    return [
        ("summary.track_heading", {}), ("summary.track_intro", told), ("summary.track_accuracy", {}), shown_accuracy(record, t),
        ("summary.track_model_vintage", told), shown_forecasts(record, told["model"], t), ("summary.track_not_in", {}),
        ("summary.track_after_heading", {}), *((key, {}) for key in CAVEATS),
    ]
