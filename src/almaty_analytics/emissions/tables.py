"""The planner tables of the emission paths: by source with 80% intervals, the measures, the wedges by year.

``emissions_by_source`` gives every scenario, boundary and source (and the boundary total) by year: the
median of the Monte Carlo trajectories (``median_kt``, the central figure) with their 10th and 90th
percentiles, and the as-scheduled path (``scheduled_kt``: central population, every measure as scheduled,
no delivery risk). ``emissions_measures`` gives each measure's printed form, effect, timing, reduction and cost
with its modelled 2030 wedge; ``emissions_wedges`` each measure's central wedge by year (TPP-2's two steps
added). There is no cost per tonne: the tonnes are aggregate masses of pollutants that are not comparable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tablespec import TableSpec
from . import fleet
from .simulation import EmissionsForecast
from .sources import BOUNDARIES, EMISSION_SCENARIOS, SOURCE_IDS, boundary_sources, boundary_total, year_column


def by_source_table(fc: EmissionsForecast) -> pd.DataFrame:
    rows = []
    for scenario in EMISSION_SCENARIOS:
        central, sims = fc.central[scenario], fc.simulations[scenario]
        for boundary in BOUNDARIES:
            series = {s: (central[SOURCE_IDS.index(s)], sims[:, SOURCE_IDS.index(s)]) for s in boundary_sources(boundary)}
            series["total"] = (boundary_total(central, boundary), boundary_total(sims, boundary))
            for source, (value, sim) in series.items():
                lo, median, hi = np.quantile(sim, [0.1, 0.5, 0.9], axis=0)
                rows.append(
                    pd.DataFrame(
                        {
                            "year": fc.years,
                            "emission_scenario": scenario,
                            "boundary": boundary,
                            "source": source,
                            "median_kt": median,
                            "lo_80": lo,
                            "hi_80": hi,
                            "scheduled_kt": value,
                        }
                    )
                )
    out = pd.concat(rows, ignore_index=True)
    columns = ["median_kt", "lo_80", "hi_80", "scheduled_kt"]
    out[columns] = out[columns].round(4)
    return out


def fleet_table(fc: EmissionsForecast, programme: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """The city's vehicle fleet of the stock–flow model (central population) by year, and the dated registers beside it:
    ``kind`` model or register, ``year`` (a register's date as a decimal year), vehicles, the pre-2010 share, the vehicles
    entering and leaving, the fleet's emission factor indexed to the first year."""
    path = fc.fleet
    model = pd.DataFrame(
        {
            "kind": "model",
            "year": fc.years.astype(float),
            "vehicles": path["stock"].round(0),
            "old_share": path["old_share"].round(4),
            "entries": path["entries"].round(0),
            "scrapped": path["scrapped"].round(0),
            "emission_factor_index": path["factor"].round(4),
            "source": "emissions/fleet.py",
        }
    )
    register = fleet.registers(programme, statements)
    dated = register.assign(kind="register", year=register["year"].round(3))[["kind", "year", "vehicles", "source"]]
    return pd.concat([model, dated], ignore_index=True)[list(model.columns)]


def measures_table(fc: EmissionsForecast) -> pd.DataFrame:
    """One row per measure (TPP-2's two steps together): printed form and effect, timing, printed reduction, cost, modelled 2030 wedge.

    No cost per tonne: the tonnes are aggregate masses of pollutants that are not comparable
    (see the module docstring).
    """
    plan = fc.plan
    quantified = plan[plan["quantified"]].reset_index(drop=True)
    wedge_2030 = dict.fromkeys(plan["measure"], 0.0)
    column = year_column(fc.years, fc.target_year)
    for j, measure in enumerate(quantified["measure"]):
        wedge_2030[measure] += float(fc.central_wedges["programme"][j, column])
    grouped = plan.groupby("measure", sort=False).agg(
        source=("source", "first"),
        boundary=("boundary", "first"),
        form=("form", lambda s: " + ".join(dict.fromkeys(s))),
        printed_effect=("effect", "last"),
        start_year=("start_year", "min"),
        full_year=("full_year", "max"),
        reduction_kt=("reduction_kt", "sum"),
        cost_bn_kzt=("cost_bn_kzt", "first"),
        source_line=("source_line", "first"),
        quantified=("quantified", "first"),
        timing_basis=("timing_basis", lambda s: " / ".join(dict.fromkeys(s))),
    )
    grouped = grouped.reset_index()
    grouped["wedge_2030_kt"] = grouped["measure"].map(wedge_2030).round(4)
    grouped["reduction_kt"] = grouped["reduction_kt"].round(4)
    columns = [
        "measure",
        "source",
        "boundary",
        "form",
        "printed_effect",
        "start_year",
        "full_year",
        "reduction_kt",
        "cost_bn_kzt",
        "source_line",
        "quantified",
        "wedge_2030_kt",
        "timing_basis",
    ]
    return grouped[columns].sort_values(["quantified", "reduction_kt"], ascending=[False, False]).reset_index(drop=True)


def wedges_table(fc: EmissionsForecast) -> pd.DataFrame:
    """Central wedges by measure and year (TPP-2's two steps added), for the programme and delayed scenarios."""
    plan = fc.wedge_plan
    rows = []
    for scenario in ("programme", "delayed"):
        frame = pd.DataFrame(fc.central_wedges[scenario], columns=fc.years)
        frame["measure"] = plan["measure"].to_numpy()
        frame = frame.groupby("measure", sort=False).sum()
        meta = plan.drop_duplicates("measure").set_index("measure")
        for measure, values in frame.iterrows():
            rows.append(
                pd.DataFrame(
                    {
                        "year": fc.years,
                        "emission_scenario": scenario,
                        "measure": measure,
                        "source": meta.loc[measure, "source"],
                        "boundary": meta.loc[measure, "boundary"],
                        "wedge_kt": values.to_numpy(dtype=float).round(4),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


TABLES: dict[str, TableSpec] = {
    "emissions_by_source": TableSpec(
        "Air-pollutant emissions of Almaty by source: baseline, programme and delayed emission scenarios, two boundaries, with 80% intervals",
        {
            "year": ("year", "calendar year (2021 = the programme's inventory)"),
            "emission_scenario": (
                "",
                "baseline (no new measures), programme (all measures on time), delayed (measures late, see parameters)",
            ),
            "boundary": ("", "city (the 127 kt inventory) or city_plus (city + TPP-3 + agglomeration houses without gas)"),
            "source": (
                "",
                "transport, tpp2, stationary_other, housing_gasified, housing_solid_fuel, tpp3, agglomeration_houses, or total (the boundary's sum)",
            ),
            "median_kt": (
                "thousand t/yr",
                "all pollutants together; median of the Monte Carlo trajectories (with delivery risk): the central figure",
            ),
            "lo_80": ("thousand t/yr", "10th percentile of the Monte Carlo trajectories"),
            "hi_80": ("thousand t/yr", "90th percentile"),
            "scheduled_kt": (
                "thousand t/yr",
                "as scheduled: central population and assumptions, every measure on time and complete, no delivery risk",
            ),
        },
        "emissions/tables.py: inventory 001_22452510f78b59ea.txt:4253-4255, 4263; measures data/raw/programme_emission_measures.csv; population forecast",
    ),
    "emissions_fleet": TableSpec(
        "The city's vehicle fleet by the stock-flow model (central population) and the dated registers it is calibrated on",
        {
            "kind": ("", "model (the stock-flow model, from the May 2022 register standing for the inventory year) or register (a dated count)"),
            "year": ("year", "calendar year (model) or the register's date as a decimal year"),
            "vehicles": ("vehicles", "vehicles registered in Almaty"),
            "old_share": ("share", "share built before 2010 (about Euro 2); empty for registers"),
            "entries": ("vehicles", "vehicles entering the fleet that year: the fleet needed minus the survivors"),
            "scrapped": ("vehicles", "vehicles leaving the register that year (fleet_scrappage_rate)"),
            "emission_factor_index": ("index", "the fleet's emission factor per km, first year = 1"),
            "source": ("", "the model, or where the register count is printed"),
        },
        "emissions/fleet.py: Appendix 3 (001_22452510f78b59ea.txt:5310, 5315); data/raw/dated_statements.csv (registered_vehicles)",
    ),
    "emissions_measures": TableSpec(
        "The programme's air-quality measures as wedges: source, boundary, timing, stated reduction, cost (unquantified measures flagged, zero effect)",
        {
            "measure": ("", "measure id in data/raw/programme_emission_measures.csv"),
            "source": ("", "emission source it reduces (empty: none)"),
            "boundary": ("", "city or city_plus (source outside the city)"),
            "form": ("", "form the programme prints the effect in: level (source's level after), reduction (tonnes removed), share; TPP-2: reduction + level"),
            "printed_effect": ("thousand t/yr", "the printed level (form level) or reduction (form reduction) the model applies"),
            "start_year": ("year", "last year without effect (full-effect year minus the ramp); programme scenario"),
            "full_year": ("year", "year of full effect; programme scenario"),
            "reduction_kt": ("thousand t/yr", "reduction as printed, against 2021 levels (0 = no effect stated)"),
            "cost_bn_kzt": ("billion KZT", "investment as printed (empty: none stated; for buses only the 800 gas buses)"),
            "source_line": ("", "lines of 001_22452510f78b59ea.txt"),
            "quantified": ("", "true if the programme states an effect; false: listed with zero effect"),
            "wedge_2030_kt": ("thousand t/yr", "modelled reduction in 2030 against the baseline (central, programme scenario)"),
            "timing_basis": ("", "which timing is printed and which assumed, with the reason"),
        },
        "Almaty development programme 2022, section 5.1 and 1.3 (lines per row); timing assumptions in emissions.DEFAULT_TIMING",
    ),
    "emissions_wedges": TableSpec(
        "Reduction of each measure against the baseline by year (central); wedges add up to baseline minus scenario",
        {
            "year": ("year", "calendar year"),
            "emission_scenario": ("", "programme or delayed"),
            "measure": ("", "measure id"),
            "source": ("", "emission source it reduces"),
            "boundary": ("", "city or city_plus"),
            "wedge_kt": ("thousand t/yr", "baseline minus scenario emissions attributable to the measure"),
        },
        "emissions/tables.py on data/raw/programme_emission_measures.csv",
    ),
}
