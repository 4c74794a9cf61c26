"""What report 10 shows beyond the published tables, from a forecast: plain values and display-ready frames.

The plain values (``answer_years``, ``mean_components``, ``variant_positions`` ...)
carry no language; the texts' values and the display frames take the report's labels ``t``
(``i18n.Text``): numbers in the language's format, methods, districts, series and parameters by their terms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import io
from ..i18n import Text
from .backtest import COHORT, beaten_by, best_overall, mean_mape
from .child_share import fit_misses
from .model import PARAMETER_FIELDS, PARAMETERS, assumption_paths, calibrated_defaults
from .result import PopulationForecast

ANSWER_YEARS = (2025, 2030)  # shown in the answer with the horizon
DISTRICT_YEAR = 2030  # shown in the district table with the base year and the horizon
RECONCILIATION_FROM = 2005  # first year of the reconciliation chart
SOURCE_FILES = "bns_population|bns_life|wpp2022|level_shifts|programme_population|programme_schools|programme_districts|dated_statements|published_projection_errors"


# ---------------------------------------------------------------- plain values


def answer_years(fc: PopulationForecast) -> list[int]:
    """The years the answer shows: ANSWER_YEARS and the horizon, those after the base year."""
    base, horizon = int(fc.years[0]), int(fc.years[-1])
    return list(dict.fromkeys(y for y in (*ANSWER_YEARS, horizon) if base < y <= horizon))


def mean_components(fc: PopulationForecast) -> dict[str, float]:
    """Mean yearly births, deaths and net migration of the central projection's calendar years, persons, and the mean
    yearly change of the 1 January population over the same years (``growth``, from the first 1 January to the one after
    the last year: births - deaths + net migration)."""
    table = fc.tables["population_components"]
    events = table.dropna()
    return {
        "growth": float(table["value"].diff().dropna().mean()),
        "births": float(events["births"].mean()),
        "deaths": float(events["deaths"].mean()),
        "net_migration": float(events["net_migration"].mean()),
    }


def first_components(fc: PopulationForecast, years: int = 5) -> pd.DataFrame:
    """The components of change of the first ``years`` calendar years."""
    return fc.tables["population_components"].dropna().head(years)


def other_variants(fc: PopulationForecast) -> pd.DataFrame:
    """The central paths of every variant but medium, and the programme's target line (compared in the fan chart)."""
    variants = fc.tables["population_variants"]
    return variants[variants["variant"] != "medium"]


def variant_positions(fc: PopulationForecast) -> dict[str, float]:
    """Share of the simulated totals at or below each variant in the horizon year, by variant."""
    variants = fc.tables["population_variants"]
    last = variants[(variants["year"] == fc.years[-1]) & (variants["variant"] != "programme_target")]
    return dict(zip(last["variant"], last["share_of_simulations_at_or_below"], strict=True))


def districts_shown(fc: PopulationForecast, districts: list[str]) -> pd.DataFrame:
    """District populations of ``districts`` in the base year, DISTRICT_YEAR and the horizon: district by year."""
    base, horizon = int(fc.years[0]), int(fc.years[-1])
    years = list(dict.fromkeys([base, min(DISTRICT_YEAR, horizon), horizon]))
    table = fc.tables["population_by_district"]
    shown = table[table["district"].isin(districts) & table["year"].isin(years)]
    return shown.pivot(index="district", columns="year", values="value")


def assumptions_table(fc: PopulationForecast, t: Text) -> pd.DataFrame:
    """The assumptions in force (after the variant), by display name, with their calibrated defaults and the data they were
    calibrated on (the parameter's meaning, in English)."""
    defaults = calibrated_defaults(fc.calibration.defaults)
    rows = [
        {"assumption": t.parameter(name), "value": round(getattr(fc.assumptions, name), 4), "default": defaults[name], "source": PARAMETERS[name].help}
        for name in PARAMETER_FIELDS
    ]
    return pd.DataFrame(rows)


def sources(vintage: str) -> pd.DataFrame:
    """The rows of the sources table (io.sources_table as of the scenario's ``vintage``) the population model reads, without the licence."""
    table = io.sources_table(vintage=io.vintage_date(vintage))
    return table[table["file"].str.contains(SOURCE_FILES)].drop(columns="licence")


# ---------------------------------------------------------------- in the report's language


def answer_table(fc: PopulationForecast, t: Text) -> str:
    """The answer as a Markdown table: central value and 80 % / 95 % intervals of each answer year, million persons."""

    def millions(v: float) -> str:
        return t.num(v / 1e6, 3)

    rows = [
        f"| {t('population.on_date', year=y.year)} | **{millions(y.value)}** | {t.interval(y.lo_80 / 1e6, y.hi_80 / 1e6, 3)} | "
        f"{t.interval(y.lo_95 / 1e6, y.hi_95 / 1e6, 3)} |"
        for y in (fc.by_year(year) for year in answer_years(fc))
    ]
    return "\n".join([t("population.answer_header"), "|---|---|---|---|", *rows])


def target_text(fc: PopulationForecast, t: Text) -> str:
    """Where the programme's target lies against the projection and the share of trajectories reaching it ("" outside it)."""
    target = fc.target
    if not fc.years[0] < target.year <= fc.years[-1]:
        return ""
    share = fc.share_at_least(target.year, target.persons)
    key = "population.target_below" if fc.by_year(target.year).value > target.persons else "population.target_above"
    return t(key, target=t.num(target.million, 1), source=target.source, share=t.pct(share))


def growth_values(fc: PopulationForecast, t: Text) -> dict[str, str]:
    """The values of the answer's growth sentence (population.answer_growth), thousand a year."""
    means = mean_components(fc)
    return {
        "growth": t.num(means["growth"] / 1e3, 1),
        "births": t.num(means["births"] / 1e3, 1),
        "deaths": t.num(means["deaths"] / 1e3, 1),
        "migration": t.num(means["net_migration"] / 1e3, 1),
        "target": target_text(fc, t),
    }


def age_group_frame(fc: PopulationForecast, t: Text) -> pd.DataFrame:
    """Broad age groups in the base year and the answer years: central and 80 % interval, thousand persons."""
    groups = fc.tables["population_age_groups"]
    groups = groups[groups["year"].isin(list(dict.fromkeys([int(fc.years[0]), *answer_years(fc)])))]
    central, interval = t("population.central"), t("population.interval_80")
    bounds = [t.interval(a / 1e3, b / 1e3, 1) for a, b in zip(groups["lo_80"], groups["hi_80"], strict=True)]
    shown = groups.assign(**{central: groups["value"] / 1e3, interval: bounds})
    wide = shown.pivot(index="age_group", columns="year", values=[central, interval]).reindex(pd.unique(groups["age_group"]))  # youngest first
    return wide.rename_axis(index=t.column("age_group"), columns=[None, t.column("year")])


def district_chart_data(fc: PopulationForecast, t: Text) -> pd.DataFrame:
    """population_by_district with the districts' names."""
    table = fc.tables["population_by_district"]
    return table.assign(district=table["district"].map(lambda d: t.term("district", d)))


def district_frame(fc: PopulationForecast, t: Text, districts: list[str]) -> pd.DataFrame:
    """``districts_shown`` with the districts' names and translated axes."""
    wide = districts_shown(fc, districts)
    wide.index = [t.term("district", d) for d in wide.index]
    return wide.rename_axis(index=t.column("district"), columns=t.column("year"))


def backtest_values(fc: PopulationForecast, t: Text) -> dict[str, str]:
    """The values of the backtest paragraph: mean MAPE of every method, the central method, what beats the cohort model."""
    accuracy = fc.tables["population_backtest"]
    scores = ", ".join(f"{t.method(m)} {t.num(v, 2)}%" for m, v in mean_mape(accuracy).items())
    better = beaten_by(accuracy)
    beaten = t("population.beaten_by", methods=", ".join(t.method(m) for m in better)) if better else t("population.not_beaten")
    origins = fc.calibration.years.backtest_origins
    return {
        "scores": scores,
        "central": central_text(fc, t, beaten),
        "beaten": beaten,
        "first": str(origins[0]),
        "last": str(origins[-1]),
        "bands": str(fc.data.age_bands),
        "closure": str(fc.calibration.years.closure),
    }


def central_text(fc: PopulationForecast, t: Text, beaten: str) -> str:
    """Which method the central path uses and why (``backtest.central_method``)."""
    method = fc.calibration.central_method
    if method == COHORT:
        return t("population.central_cohort", beaten=beaten)
    scores = mean_mape(fc.tables["population_backtest"])
    best = best_overall(fc.tables["population_backtest"])
    return t(
        "population.central_combined", method=t.method(method), best=t.method(best), best_mape=t.num(scores[best], 2),
        cohort_mape=t.num(scores[COHORT], 2), combined_mape=t.num(scores[method], 2),
        methods=", ".join(t.method(m) for m in beaten_by(fc.tables["population_backtest"])),
    )


def backtest_frame(fc: PopulationForecast, t: Text, values: str | list[str]) -> pd.DataFrame:
    """Backtest scores by target and method (rows) and horizon (columns): one score, or several side by side."""
    accuracy = fc.tables["population_backtest"]
    shown = accuracy.assign(method=accuracy["method"].map(t.method), target=accuracy["target"].map(lambda x: t.term("backtest_target", x)))
    wide = shown.pivot_table(index=["target", "method"], columns="horizon", values=values, sort=False)
    index = [t.column("target", "population"), t.column("method")]
    if isinstance(values, str):
        return wide.rename_axis(index=index, columns=t.column("horizon"))
    return wide.rename(columns=lambda c: t.column(c), level=0).rename_axis(index=index, columns=[None, t.column("horizon")])


def lookahead_values(fc: PopulationForecast) -> dict[str, str]:
    """The values of the backtest_lookahead list: the age bands' year and the segment of the migrants' sex split."""
    years = fc.calibration.years
    return {"bands": str(years.age_bands), "first": str(years.segment[0]), "last": str(years.segment[1])}


def interval_values(fc: PopulationForecast, t: Text) -> dict[str, str]:
    """The calibrated interval sds (percent) of the calibrated_text paragraph, and the interval's real-time coverage pooled
    over the horizons with the forecasts it counts (``coverage_table``)."""
    sd = fc.calibration.interval_sd
    coverage = fc.tables["population_interval_coverage"]
    n = int(coverage["real_time_n"].sum())
    held = float((coverage["real_time_80"].fillna(0) * coverage["real_time_n"]).sum() / n) if n else float("nan")
    return {"base": t.num(sd.base, 2), "trend": t.num(sd.trend, 2), "real_time": t.pct(held) if n else "–", "real_time_n": str(n)}


def long_run_values(fc: PopulationForecast, t: Text) -> dict[str, str]:
    """The values of the long_run_text paragraph: the join year, Almaty's differential to WPP there, and the TFR and e0
    of the last projected year beside Kazakhstan's (``long_run``)."""
    base, horizon = int(fc.years[0]), int(fc.years[-1])
    years = np.arange(base, horizon)
    tfr, e0, _ = assumption_paths(fc.assumptions, years, base, long_run=fc.long_run)
    national, join = fc.long_run.national, min(fc.long_run.start, years.size - 1)
    wpp_tfr, wpp_e0 = national.at(years, national.tfr), national.at(years, national.e0)
    return {
        "start": str(fc.long_run.start),
        "join": str(base + fc.long_run.start),
        "tfr_gap": t.num(tfr[0, join] - wpp_tfr[join], 2, signed=True),
        "male_gap": t.num(e0[0, join, 0] - wpp_e0[join, 0], 1, signed=True),
        "female_gap": t.num(e0[0, join, 1] - wpp_e0[join, 1], 1, signed=True),
        "year": str(horizon - 1),
        "tfr": t.num(tfr[0, -1], 2),
        "wpp_tfr": t.num(wpp_tfr[-1], 2),
        "male": t.num(e0[0, -1, 0], 1),
        "female": t.num(e0[0, -1, 1], 1),
    }


def published_errors_text(fc: PopulationForecast, t: Text) -> str:
    """One line per published error (population_interval_vs_published): the areas, the horizon, the figure as published,
    its 80 % half width under normal errors and this forecast's half width at that horizon."""
    lines = []
    for row in fc.tables["population_interval_vs_published"].itertuples():
        published = t.num(row.published_low, 2) if row.published_low == row.published_high else t.interval(row.published_low, row.published_high, 2)
        implied = (
            t("population.published_no_implied") if np.isnan(row.implied_half_80_low)
            else t.num(row.implied_half_80_low, 1) + "%" if row.implied_half_80_low == row.implied_half_80_high
            else t.interval(row.implied_half_80_low / 100, row.implied_half_80_high / 100, 1, percent=True)
        )
        model = t("population.published_beyond_horizon") if np.isnan(row.model_half_80_pct) else t.num(row.model_half_80_pct, 1) + "%"
        lines.append(
            t("population.published_row", areas=row.areas, horizon=row.horizon, measure=t(f"population.error_measure.{row.error_measure}"),
              published=published, implied=implied, model=model)
        )
    return "\n".join(lines)


def variants_list(fc: PopulationForecast, t: Text) -> str:
    """Each variant with its percentile among the simulated totals in the horizon year."""
    return ", ".join(
        t("population.variant_percentile", variant=t.term("variant", v), p=f"{100 * share:.0f}") for v, share in variant_positions(fc).items()
    )


def migration_values(fc: PopulationForecast, t: Text) -> dict[str, str]:
    """The values of the net-migration paragraph: error of closure, reconciliation, yearly balance and its mean (thousand)."""
    balance, facts = fc.calibration.balance, fc.calibration.migration_facts
    return {
        "closure": t.num(facts.closure_error / 1e3, 1),
        "method": t.term("basis", fc.calibration.reconciliation_method),
        "years": ", ".join(f"{int(y)}: {t.num(m / 1e3, 1)}" for y, m in zip(balance["year"], balance["net_migration"], strict=True)),
        "mean": t.num(balance["net_migration"].mean() / 1e3, 1),
    }


def age_values(fc: PopulationForecast, t: Text) -> dict[str, str]:
    """The values of the migration-by-age paragraph."""
    facts = fc.calibration.migration_facts
    return {
        "child_share": t.pct(facts.child_share, 1),
        "share_6_17": t.pct(facts.share_6_17, 1),
        "children": t.num(facts.net_children_0_17_per_year / 1e3, 1),
        "arrivals": t.num(facts.arrivals_per_year / 1e3, 0),
        "ceiling": t.num(facts.arrivals_not_working_age_per_year / 1e3, 1),
    }


def fit_misses_text(fc: PopulationForecast, t: Text) -> str:
    """Every evidence target the migration fit misses beyond its tolerance, with the reason (``population.fit_miss``)."""
    missed = fit_misses(fc.tables["population_migration_fit"])
    if missed.empty:
        return t("population.fit_all_met")
    items = [
        t("population.fit_miss", statistic=t.term("fit_statistic", row.statistic), model=t.num(row.model, 2), target=t.num(row.target, 2),
          tolerance=t.num(row.tolerance, 2), why=t(f"population.fit_why.{row.statistic}"))
        for row in missed.itertuples()
    ]
    return t("population.fit_misses", items="\n".join(items))


PUBLISHED_FORMATS = dict.fromkeys(["published_low", "published_high", "implied_half_80_low", "implied_half_80_high", "model_half_80_pct"], "{:.2f}")  # percent


def published_comparison_shown(fc: PopulationForecast, t: Text) -> pd.DataFrame:
    """``population_interval_vs_published`` with its studies and error measures by their display names."""
    table = fc.tables["population_interval_vs_published"]
    return table.assign(study_id=table["study_id"].map(lambda s: t.term("study", s)), error_measure=table["error_measure"].map(lambda m: t.term("error_measure", m)))


def migration_fit_shown(fc: PopulationForecast, t: Text) -> pd.DataFrame:
    """``population_migration_fit`` with its statistics by their display names."""
    table = fc.tables["population_migration_fit"]
    return table.assign(statistic=table["statistic"].map(lambda s: t.term("fit_statistic", s)))


def reconciliation_series(fc: PopulationForecast, t: Text) -> pd.DataFrame:
    """The BNS estimate and the census-reconciled series from RECONCILIATION_FROM, long, with the series' names in a
    column named by its header ``t.column("series")`` (the chart legend's title)."""
    table = fc.tables["population_reconciliation"]
    long = table.melt(id_vars="year", value_vars=["observed", "reconciled"], var_name="series", value_name="persons")
    long = long.assign(series=long["series"].map(lambda s: t(f"population.{s}")))
    return long[long["year"] >= RECONCILIATION_FROM].rename(columns={"series": t.column("series")})


def listed(years) -> str:
    """Years as a reader lists them: "2020, 2021"."""
    return ", ".join(str(y) for y in years)


def fallback_lines(fc: PopulationForecast, t: Text) -> list[str]:
    """One sentence for each series the forecast reads that is older than its base year, and what it uses instead."""
    d = fc.data
    lines = [t("population.fallback_ages", bands=d.age_bands, base=d.base_year, controls=listed(d.controls))]
    if d.shock_years:
        lines.append(t("population.fallback_e0_shock", year=d.life_expectancy, base=d.base_year, skipped=listed(d.shock_years)))
    else:
        lines.append(t("population.fallback_e0", year=d.life_expectancy, base=d.base_year))
    if d.step_e0:
        lines.append(t("population.fallback_e0_steps", steps=", ".join(f"{year}: {used}" for year, used in d.step_e0)))
    births = t("population.fallback_births", year=d.births, base=d.base_year)
    if d.births_observed:
        births += " " + t("population.fallback_births_observed", observed=listed(d.births_observed), year=d.births)
    migration = t("population.fallback_migration", first=d.balance[0], last=d.balance[1])
    if d.wpp_projected:
        migration += " " + t("population.fallback_wpp", years=listed(d.wpp_projected), end=d.wpp_projected[0] - 1)
    if d.district_source == "bns_population_districts":
        districts = t("population.fallback_districts_bulletin", year=d.base_year)
    else:
        districts = t("population.fallback_districts_programme", year=d.base_year)
    return [*lines, births, migration, districts]


def data_text(fc: PopulationForecast, t: Text, vintage: str) -> str:
    """The data section: the base year, the newest total of the vintage and the fallbacks as a Markdown list."""
    intro = t("population.data_intro", base=fc.data.base_year, vintage=io.shown_vintage(vintage), newest=int(fc.observed.index.max()))
    return "\n".join([intro, "", *(f"- {line}" for line in fallback_lines(fc, t))])


def district_source(fc: PopulationForecast, t: Text) -> str:
    """The district chart's source line: the BNS bulletin of the base year, or the programme's table."""
    if fc.data.district_source == "bns_population_districts":
        return t("population.districts_source_bulletin", year=fc.data.base_year)
    return t("population.districts_source")


def district_text(fc: PopulationForecast, t: Text, periphery_growth_factor: float) -> str:
    """The paragraph under the district table: where the district shares come from, and the periphery's growth weight."""
    factor = t.num(periphery_growth_factor, 1 if round(periphery_growth_factor, 1) == periphery_growth_factor else 2)
    if fc.data.district_source == "bns_population_districts":
        city = fc.by_year(fc.data.base_year).value
        return t(
            "population.districts_text_bulletin", year=fc.data.base_year, bulletin=t.num(fc.data.district_total / 1e6, 3), city=t.num(city / 1e6, 3),
            factor=factor,
        )
    return t("population.districts_text", factor=factor)
