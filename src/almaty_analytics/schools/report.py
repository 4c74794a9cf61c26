"""What report 20 shows beside the published tables: the answer rows, the verdicts on the targets, the headline figures and the pivots.

Every function reads a ``SchoolForecast`` and returns plain values or display-ready frames; the ``*_values`` and
``*_paragraphs`` functions take the report's labels ``t`` (``i18n.Text``) and give a paragraph's figures in its
language, so that the notebook only shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import io
from ..params import FROM_THE_DATA
from .backtest import backtest_summary
from .delivery import FITTED, PRIOR, SHARE_FROM_PRIOR
from .gross import overload_lower_bound
from .model import SchoolForecast
from .parameters import PARAMETERS
from .pupils import school_year
from .sensitivity import PLAN

THOUSAND = 1e3


def answer_years(fc: SchoolForecast) -> list[str]:
    """The school years the answer shows: the programme's target years inside the forecast (``school_targets``) and the horizon, once each."""
    labels = [*fc.tables["school_targets"]["school_year"], school_year(fc.school_years[-1])]
    return list(dict.fromkeys(labels))


def answer_rows(fc: SchoolForecast) -> pd.DataFrame:
    """The answer table, one row per answer year (current regime; thousand seats): the net city balance and the gross shortfall,
    each with its 80% interval and the chance of a shortage, then the standard schools that would close the net balance and their cost.

    school_year, deficit_thousand, interval_lo_thousand, interval_hi_thousand, chance_of_shortage, gross_thousand, gross_lo_thousand,
    gross_hi_thousand, chance_of_gross_shortfall, schools_to_close, cost_bn_tenge.
    """
    labels = answer_years(fc)
    seats = fc.seats().loc[labels]
    return pd.DataFrame(
        {
            "school_year": labels,
            "deficit_thousand": seats["deficit"].to_numpy() / THOUSAND,
            "interval_lo_thousand": seats["deficit_lo_80"].to_numpy() / THOUSAND,
            "interval_hi_thousand": seats["deficit_hi_80"].to_numpy() / THOUSAND,
            "chance_of_shortage": seats["p_deficit_over_0"].to_numpy(),
            "gross_thousand": seats["gross_shortfall"].to_numpy() / THOUSAND,
            "gross_lo_thousand": seats["gross_lo_80"].to_numpy() / THOUSAND,
            "gross_hi_thousand": seats["gross_hi_80"].to_numpy() / THOUSAND,
            "chance_of_gross_shortfall": seats["p_gross_over_0"].to_numpy(),
            "schools_to_close": seats["schools_needed"].to_numpy(),
            "cost_bn_tenge": seats["cost_bn_kzt"].to_numpy(),
        }
    )


def answer_formats(t) -> dict[str, dict]:
    """How the answer's two tables (``answer_rows``, ``answer_uncertainty``) write their columns: thousands with one decimal in
    the report's language, chances and shares as whole percentages, costs in billion tenge."""
    thousand, share = (lambda v: t.num(v, 1)), "{:.0%}"
    rows = dict.fromkeys(["deficit_thousand", "interval_lo_thousand", "interval_hi_thousand", "gross_thousand", "gross_lo_thousand", "gross_hi_thousand"], thousand)
    uncertainty = {"on_time_deficit_thousand": thousand} | dict.fromkeys(["uncertainty_population", "uncertainty_seat_base", "uncertainty_delivery"], share)
    return {"rows": rows | {"chance_of_shortage": share, "chance_of_gross_shortfall": share, "cost_bn_tenge": t.num}, "uncertainty": uncertainty}


def answer_uncertainty(fc: SchoolForecast) -> pd.DataFrame:
    """Beside the answer, for its years: the net balance if every planned school opened on time (thousand seats) and the
    shares of the net balance's variance from the population, the seat base and the delivery of the schools.

    school_year, on_time_deficit_thousand, uncertainty_population, uncertainty_seat_base, uncertainty_delivery.
    """
    labels = answer_years(fc)
    shares = fc.tables["school_uncertainty"].set_index("school_year").loc[labels]
    return pd.DataFrame(
        {
            "school_year": labels,
            "on_time_deficit_thousand": fc.seats().loc[labels, "deficit_on_plan"].to_numpy() / THOUSAND,
            "uncertainty_population": shares["variance_share_population"].to_numpy(),
            "uncertainty_seat_base": shares["variance_share_seat_base"].to_numpy(),
            "uncertainty_delivery": shares["variance_share_delivery"].to_numpy(),
        }
    )


@dataclass(frozen=True)
class Verdict:
    """A programme target against the projected gross shortfall without margin, the target's own measure (current regime)."""

    school_year: str
    target_thousand: float
    projected_thousand: float
    source: str  # programme line of the target
    met: bool
    extra_schools: int  # standard schools beyond the plan that would meet it
    extra_cost_bn: float


def verdicts(fc: SchoolForecast) -> list[Verdict]:
    """One verdict per target of ``school_targets``."""
    return [
        Verdict(
            school_year=row.school_year,
            target_thousand=float(row.target_deficit) / THOUSAND,
            projected_thousand=float(row.projected_gross) / THOUSAND,
            source=row.source,
            met=bool(row.projected_gross <= row.target_deficit),
            extra_schools=int(row.extra_schools),
            extra_cost_bn=float(row.extra_cost_bn_kzt),
        )
        for row in fc.tables["school_targets"].itertuples(index=False)
    ]


@dataclass(frozen=True)
class Headline:
    """The figures the answer's text and the calibration paragraph quote."""

    observed_year: str  # the seat-base year
    observed_pupils_thousand: float
    observed_lo_thousand: float  # 80% range of the seat-base deficit
    observed_hi_thousand: float
    need_rate: float  # schools a year the programme says are needed
    funded_rate: float  # schools a year the 2026-2030 budget pays for
    closing_rate: float  # schools a year that close the 2030/31 gap
    deficit_2030_at_need_thousand: float
    share_min: float  # pupils per school-age child, over the horizon
    share_max: float
    drift_points: float  # share_max - share_min in percentage points
    first_year_growth: float  # state pupils added in the first projected school year
    observed_gross_thousand: float  # gross shortfall of the seat-base year (stated shortage + margin)
    class_bound_thousand: float  # overload the 17 schools above 40 a class hold at least (the class-size norm's check)
    as_funded_2030_thousand: float  # net deficit 2030/31 with the private stream after 2025
    budget_only_2030_thousand: float  # net deficit 2030/31 without it (the stress case)


def headline(fc: SchoolForecast) -> Headline:
    """The headline figures of ``fc``."""
    seats = fc.seats()
    observed = seats.loc[school_year(fc.base.seat_year)]
    rates = fc.tables["school_build_rates"].set_index("rate")
    shares = fc.tables["school_pupil_share"]["pupil_share"]
    cases = fc.tables["school_supply_cases"].set_index("case")
    return Headline(
        observed_year=school_year(fc.base.seat_year),
        observed_pupils_thousand=float(observed["pupils_state"] / THOUSAND),
        observed_lo_thousand=float(observed["deficit_lo_80"] / THOUSAND),
        observed_hi_thousand=float(observed["deficit_hi_80"] / THOUSAND),
        need_rate=float(rates.loc["programme_need", "schools_per_year"]),
        funded_rate=float(rates.loc["funded", "schools_per_year"]),
        closing_rate=float(rates.loc["closes_2030_gap", "schools_per_year"]),
        deficit_2030_at_need_thousand=float(rates.loc["programme_need", "deficit_2030_31"] / THOUSAND),
        share_min=float(shares.min()),
        share_max=float(shares.max()),
        drift_points=100 * float(fc.pupil_share_drift),
        first_year_growth=float(seats["pupils_state"].diff().loc[school_year(fc.first_year)]),  # the growth paragraph's first projected step
        observed_gross_thousand=float(observed["gross_shortfall"] / THOUSAND),
        class_bound_thousand=overload_lower_bound(float(observed["seats"]), fc.loads) / THOUSAND,
        as_funded_2030_thousand=float(cases.loc["as_funded", "deficit_2030_31"] / THOUSAND),
        budget_only_2030_thousand=float(cases.loc["budget_only", "deficit_2030_31"] / THOUSAND),
    )


def observed_deficit_text(head: Headline, t) -> str:
    """The seat-base deficit as the report prints it: its 80% range, or one value when the source gives one (a stated shortage)."""
    lo, hi = t.num(head.observed_lo_thousand, 1), t.num(head.observed_hi_thousand, 1)
    return lo if lo == hi else t("schools.range", lo=lo, hi=hi)


def threshold_probabilities(fc: SchoolForecast) -> pd.DataFrame:
    """school_year and the chance that the deficit exceeds each threshold (threshold_0, threshold_5000, ...), current regime."""
    columns = [c for c in fc.tables["school_seats"].columns if c.startswith("p_deficit_over_")]
    return fc.seats()[columns].rename(columns=lambda c: c.replace("p_deficit_over_", "threshold_")).reset_index()


def pipeline_by_year(fc: SchoolForecast) -> pd.DataFrame:
    """Seats planned and expected by school year (rows) and funding source (columns under each measure)."""
    pipeline = fc.tables["school_build_pipeline"]
    return pipeline.pivot_table(index="school_year", columns="funding_source", values=["seats_planned", "seats_expected"], aggfunc="sum").fillna(0)


def regime_deficits(fc: SchoolForecast) -> pd.DataFrame:
    """Central deficit by school year (rows) under each regime (columns)."""
    return fc.tables["school_seats"].pivot(index="school_year", columns="regime", values="deficit")


def _shown_years(fc: SchoolForecast) -> list[str]:
    return list(dict.fromkeys([school_year(fc.first_year), *answer_years(fc)]))


def pupils_by_grade_shown(fc: SchoolForecast) -> pd.DataFrame:
    """Pupils by grade (rows) in the base school year and the answer years (columns)."""
    wide = fc.tables["school_pupils_by_grade"].pivot(index="grade", columns="school_year", values="pupils")
    return wide[[c for c in wide.columns if c in _shown_years(fc)]]


def district_pupils_shown(fc: SchoolForecast, t) -> pd.DataFrame:
    """State pupils by district (rows by their names, the all_districts total included) in the base school year and the
    answer years (columns), both axes titled in the report's language."""
    table = fc.tables["school_district_deficits"]
    wide = table.pivot(index="district", columns="school_year", values="pupils_state").reindex(pd.unique(table["district"]))  # the table's order: the total last
    shown = wide[[c for c in wide.columns if c in _shown_years(fc)]].rename(index=lambda d: t.term("district", d) if t.has(f"terms.district.{d}") else d)
    return shown.rename_axis(index=t.column("district"), columns=t.column("school_year"))


def known_district_deficits(fc: SchoolForecast) -> pd.DataFrame:
    """The rows of ``school_district_deficits`` where planners typed the seats (empty when none)."""
    return fc.tables["school_district_deficits"].dropna(subset=["seats"])


BASIS_LABELS = {FITTED: "schools.record_basis_fit", SHARE_FROM_PRIOR: "schools.record_basis_prior_share", PRIOR: "schools.record_basis_prior"}


def delivery_fit_text(fc: SchoolForecast, t) -> str:
    """Each record group's share and mean delay in force by default, with how the vintage's record set them (``fc.delivery_basis``)."""
    return "; ".join(
        t(f"schools.record_group_{group}", share=t.num(risk.share, 2), delay=t.num(risk.delay, 2)) + f" ({t(BASIS_LABELS[fc.delivery_basis[group]])})"
        for group, risk in fc.delivery_fit.items()
    )


def parameter_values(params: dict, fc: SchoolForecast) -> dict:
    """The school model's parameters of a run in their declaration order (for the report's parameter table), the unset
    delivery parameters as fitted on the vintage's record (``fc.delivery_parameters``)."""
    return {name: fc.delivery_parameters.get(name, params[name]) for name in PARAMETERS}


@dataclass(frozen=True)
class GrowthFacts:
    """What the pupils paragraph quotes from ``school_pupil_growth``."""

    model_change: float  # the model's change of state pupils into the base school year
    observed_low: float  # the observed change, low and high end (NaN: the vintage has no earlier count)
    observed_high: float
    first_steps: list[float]  # the first projected changes of all pupils
    first_state: float  # the first projected change of state pupils

    @property
    def first_position(self) -> str:
        """Where the first projected change of state pupils sits against the observed change: inside, below, above, or unobserved."""
        if pd.isna(self.observed_low):
            return "unobserved"
        return "below" if self.first_state < self.observed_low else "above" if self.first_state > self.observed_high else "inside"


def growth_facts(growth: pd.DataFrame) -> GrowthFacts:
    """The figures of the pupils paragraph: the model rows of state pupils (into the base school year, the first projected step), the
    observed row and the projected steps of all pupils."""
    model = growth[(growth["kind"] == "model") & (growth["sector"] == "state")]
    observed = growth[growth["kind"] == "observed"]
    low, high = (float(observed["change_low"].iloc[0]), float(observed["change_high"].iloc[0])) if len(observed) else (float("nan"),) * 2
    steps = growth[(growth["kind"] == "model") & (growth["sector"] == "all")]["change_low"].astype(float).tolist()
    return GrowthFacts(float(model["change_low"].iloc[0]), low, high, steps, float(model["change_low"].iloc[1]))


def growth_components_values(fc: SchoolForecast, t) -> dict[str, str]:
    """The figures of the paragraph on ``school_pupil_growth_components`` in the report's language: the projected steps' entrants
    (range), graduates and leavers after grade 9 (first and last step), the cohort change (range), the backcast step, the first
    projected one and what the programme's 12-14 thousand (school_pupil_growth) would add to it, thousand."""
    parts = fc.tables["school_pupil_growth_components"]
    projected = parts[parts["kind"] == "projected"]
    growth = fc.tables["school_pupil_growth"]
    programme = growth[growth["kind"] == "programme"].iloc[0]
    first = float(projected["change"].iloc[0])

    def thousand(v: float) -> str:
        return t.num(v / 1000, 1)

    return {
        "entrants_lo": thousand(projected["entrants"].min()), "entrants_hi": thousand(projected["entrants"].max()),
        "graduates_first": thousand(-projected["graduates"].iloc[0]), "graduates_last": thousand(-projected["graduates"].iloc[-1]),
        "left_first": thousand(-projected["left_after_grade_9"].iloc[0]), "left_last": thousand(-projected["left_after_grade_9"].iloc[-1]),
        "migration_lo": t.num(projected["migration_and_survival"].min(), signed=True), "migration_hi": t.num(projected["migration_and_survival"].max(), signed=True),
        "backcast": t.num(float(parts["change"].iloc[0]), signed=True), "first": t.num(first, signed=True),
        "gap": t("schools.range", lo=thousand(programme["change_low"] - first), hi=thousand(programme["change_high"] - first)),
    }


def newer_plan_values(fc: SchoolForecast, t) -> dict[str, str]:
    """The figures of the newer-plan line of the base section: the December 2023 plan's seats for 2024-2025 and the programme's it replaces."""
    return {
        "budget": t.num(fc.newer_plan["budget"]), "memorandum": t.num(fc.newer_plan["memorandum"]),
        "programme_budget": t.num(fc.programme_newer_years["budget"]), "programme_memorandum": t.num(fc.programme_newer_years["memorandum"]),
    }


def sensitivity_values(fc: SchoolForecast, t) -> dict[str, str]:
    """The figures of the sensitivity text: each case's 2030/31 net balance and gross shortfall (thousand) by ``case``, the
    December 2023 plan's delivered shares and the 2021 record's share."""
    table = fc.tables["school_sensitivity"].set_index("case")
    values = {f"net_{c}": t.num(v / THOUSAND, 1) for c, v in table["deficit"].items()} | {f"gross_{c}": t.num(v / THOUSAND, 1) for c, v in table["gross_shortfall"].items()}
    values = {k.replace("%", ""): v for k, v in values.items()}
    plan = table[table["factor"] == PLAN]
    if "at_2021_share" in plan.index:
        values |= {
            "share_2021": t.pct(float(plan.loc["at_2021_share", "value"])), "plan": t.num(sum(fc.newer_plan.values())),
            "programme": t.num(sum(fc.programme_newer_years.values())),
            "budget_share": t.num(fc.delivery_parameters["delivery_budget"], 2), "memorandum_share": t.num(fc.delivery_parameters["delivery_memorandum"], 2),
        }
    return values


def sensitivity_shown(fc: SchoolForecast, t) -> pd.DataFrame:
    """``school_sensitivity`` with its factors and plan cases by their display names (a margin case is its percentage)."""
    table = fc.tables["school_sensitivity"]
    case = [t.term("sensitivity_case", c) if f == PLAN else c for f, c in zip(table["factor"], table["case"], strict=True)]
    return table.assign(factor=table["factor"].map(lambda f: t.term("sensitivity_factor", f)), case=case).drop(columns="value")


# ---------------------------------------------------------------- in the reader's words (the CSV tables keep the ids)

SHOWN_TERMS = {  # column of a school table -> the catalogue section of its values (i18n terms)
    "rate": "build_rate", "case": "supply_case", "group": "funding", "kind": "growth_kind", "sector": "sector", "district": "district",
    "method": "method",
}
STATED = "stated "  # a growth row quoted from a dated statement: kind "stated YYYY-MM-DD"


def _term(t, section: str, value: str) -> str:
    if section == "growth_kind" and value.startswith(STATED):
        return t("schools.kind_stated", date=value.removeprefix(STATED))
    return t.term(section, value)


def terms_shown(table: pd.DataFrame, t) -> pd.DataFrame:
    """``table`` with the values of its category columns (SHOWN_TERMS) by their display names."""
    return table.assign(**{c: table[c].map(lambda v, s=section: _term(t, s, v)) for c, section in SHOWN_TERMS.items() if c in table})


def pipeline_shown(fc: SchoolForecast, t) -> pd.DataFrame:
    """``pipeline_by_year`` with its measures, funding groups and school years labelled for reading."""
    wide = pipeline_by_year(fc).rename(columns=t.column, level=0).rename(columns=lambda g: t.term("funding", g), level=1)
    return wide.rename_axis(index=t.column("school_year"), columns=[None, None])


def regime_deficits_shown(fc: SchoolForecast, t) -> pd.DataFrame:
    """``regime_deficits`` with its regimes and school years labelled for reading."""
    wide = regime_deficits(fc).rename(columns=lambda r: t.term("regime", r))
    return wide.rename_axis(index=t.column("school_year"), columns=None)


def parameters_shown(table: pd.DataFrame, t) -> pd.DataFrame:
    """A parameter table (``scenarios.parameters_table``) by display names; the meanings stay in English."""
    return table.assign(parameter=table["parameter"].map(t.parameter), default=table["default"].replace(FROM_THE_DATA, t("common.from_the_data")))


def answer_values(fc: SchoolForecast, params: dict, t) -> dict:
    """The figures of the answer's paragraph (``schools.answer_text``): the seat base, the build rates (needed, funded,
    used, closing the 2030/31 gap), each target's verdict, a school's size and cost, the pupil share's range and the
    2030/31 balance as funded and budget only."""
    head = headline(fc)
    verdict_texts = (
        t("schools.verdict_met" if v.met else "schools.verdict_missed", year=v.school_year, target=t.num(v.target_thousand, 1), source=v.source,
          projected=t.num(v.projected_thousand, 1), schools=v.extra_schools, cost=t.num(v.extra_cost_bn))
        for v in verdicts(fc)
    )
    return {
        "year": head.observed_year, "pupils": t.num(head.observed_pupils_thousand, 1), "deficit": observed_deficit_text(head, t),
        "need": t.num(head.need_rate), "funded": t.num(head.funded_rate, 2), "used": t.num(params["build_rate_after_2025"], 2),
        "closes": t.num(head.closing_rate, 1), "at_need": t.num(head.deficit_2030_at_need_thousand, 1), "verdicts": " ".join(verdict_texts),
        "size": t.num(params["school_size"]), "cost": t.num(params["school_cost_bn"], 1), "land": t.num(params["land_cost_bn"], 0),
        "share_min": t.pct(head.share_min, 1), "share_max": t.pct(head.share_max, 1), "drift": t.num(head.drift_points, 2),
        "observed_gross": t.num(head.observed_gross_thousand, 1), "class_bound": t.num(head.class_bound_thousand, 1),
        "private_rate": t.num(params["private_places_after_2025"]), "as_funded": t.num(head.as_funded_2030_thousand, 1),
        "budget_only": t.num(head.budget_only_2030_thousand, 1),
    }


def growth_values(fc: SchoolForecast, t) -> dict[str, str]:
    """The figures of the pupils paragraph (``schools.growth_text``, from ``growth_facts``): the private share, the model's and the
    observed change into the base school year, the first projected steps and where the first one of state pupils sits."""
    steps = growth_facts(fc.tables["school_pupil_growth"])
    return {
        "private": t.pct(fc.base.private_share, 1), "model_change": t.num(steps.model_change), "observed_low": t.num(steps.observed_low),
        "observed_high": t.num(steps.observed_high), "first_steps": ", ".join(t.num(v, signed=True) for v in steps.first_steps),
        "transition": t.num(fc.calibration.transition, 2), "first_state": t.num(steps.first_state, signed=True),
        "first_position": t(f"schools.growth_first_{steps.first_position}"),
        "private_basis": t("schools.growth_private_counted" if fc.base.private_counted else "schools.growth_private_estimate"),
    }


def districts_values(fc: SchoolForecast, params: dict, t) -> dict:
    """The figures of the districts paragraph: the periphery's school-age ratio and the districts without a stated capacity."""
    missing = fc.capacity_missing
    return {
        "ratio": t.num(params["periphery_school_age_ratio"], 1), "count": len(missing), "total": fc.capacity_districts,
        "missing": ", ".join(t.term("district", d) for d in missing) if missing else t("schools.none"),
    }


def backtest_values(fc: SchoolForecast, t) -> dict[str, str]:
    """The figures of the backtest's result (``backtest_summary``): the best method per horizon and the 80% coverage's range."""
    summary = backtest_summary(fc.tables["school_backtest"])
    return {
        "best": ", ".join(f"{h}: {t.term('method', m)}" for h, m in summary.best.items()),
        "low": f"{summary.coverage_80_low:.0%}", "high": f"{summary.coverage_80_high:.0%}",
    }


def base_paragraphs(fc: SchoolForecast, params: dict, t) -> list[tuple[str, dict]]:
    """The method section's paragraphs on the data the forecast starts from, as (catalogue key, figures), in order: the
    vintage, the base pupils and private share (counted or estimated), the seat base (stated or the programme's, and a
    conflict between them), the places opened since, the newer plan, a backcast base and the enrolment calibration."""
    base, cal = fc.base, fc.calibration
    shown: list[tuple[str, dict]] = [
        ("schools.base_heading", {"vintage": io.shown_vintage(params["vintage"])}),
        ("schools.base_pupils_city" if base.pupils_counted_by_city else "schools.base_pupils_programme",
         {"year": school_year(base.school_year), "state": t.num(base.state_pupils)}),
        ("schools.base_private_counted" if base.private_counted else "schools.base_private_estimate",
         {"private": t.pct(base.private_share, 2), "year": school_year(base.school_year)}),
    ]
    if base.seat_stated:
        shown.append(("schools.base_seats_stated", {"year": school_year(base.seat_year), "pupils": t.num(base.seat_pupils[0]), "deficit": t.num(base.seat_deficit[0])}))
    else:
        shown.append(("schools.base_seats_programme", {"year": school_year(base.seat_year)}))
    if base.carried_deficit is not None:
        shown.append(("schools.base_seats_conflict", {"year": school_year(base.seat_year), "opened": t.num(base.carried_opened),
                                                      "carried": t.num(base.carried_deficit), "deficit": t.num(base.seat_deficit[0])}))
    if base.opened.empty:
        shown.append(("schools.base_opened_none", {}))
    else:
        shown.append(("schools.base_opened", {"opened": ", ".join(f"{year}: {t.num(places)}" for year, places in base.opened.items())}))
    if fc.newer_plan:
        shown.append(("schools.base_newer_plan", newer_plan_values(fc, t)))
    if base.school_year < fc.first_year:
        shown.append(("schools.base_backcast", {"first": fc.first_year, "year": school_year(base.school_year)}))
    shown.append(("schools.calibration", {
        "year": school_year(cal.school_year), "state": t.num(cal.state_pupils), "total": t.num(cal.total_pupils), "coverage": t.num(cal.coverage, 3),
        "transition": t.num(cal.transition, 2), "growth": t.num(headline(fc).first_year_growth), "private": t.pct(base.private_share, 1),
    }))
    return shown
