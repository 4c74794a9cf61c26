"""The typed result of a population forecast: ``PopulationForecast`` with its accessors (by year, age group, sex,
quantile), the yearly total with its intervals (``YearTotal``, ``total_table``) and the programme's target."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calibration import Calibration
from .long_run import LongRun
from .model import SEXES, Assumptions
from .provenance import DataUsed

AGE_GROUPS = {"0-5": (0, 5), "6-17 (school ages)": (6, 17), "18-64": (18, 64), "65+": (65, 100)}


def quantiles(values: np.ndarray, axis: int = 0) -> dict[str, np.ndarray]:
    """80 % and 95 % interval bounds and the median along ``axis``."""
    q = np.quantile(values, [0.025, 0.1, 0.5, 0.9, 0.975], axis=axis)
    return {"lo_95": q[0], "lo_80": q[1], "median": q[2], "hi_80": q[3], "hi_95": q[4]}


@dataclass(frozen=True)
class YearTotal:
    """The city on 1 January of one year: central projection and Monte Carlo interval bounds, persons."""

    year: int
    value: int
    lo_80: int
    hi_80: int
    lo_95: int
    hi_95: int


@dataclass(frozen=True)
class ProgrammeTarget:
    """The programme's stated population for a year."""

    year: int
    million: float  # persons, million, as printed
    source: str  # where the programme states it

    @property
    def persons(self) -> float:
        return self.million * 1e6


@dataclass
class PopulationForecast:
    """One parameter set's forecast. Arrays have named axes through the accessors; tables are what report 10 publishes."""

    years: np.ndarray  # 1 January of the base year to the horizon
    central: dict  # project_arrays output for the central path (n = 1)
    trajectories: np.ndarray  # (simulation, year, sex, age) Monte Carlo populations on 1 January
    assumptions: Assumptions
    calibration: Calibration
    tables: dict[str, pd.DataFrame]
    observed: pd.Series  # BNS total on 1 January by year (the history)
    shifts: pd.DataFrame  # level shifts of the BNS population series
    target: ProgrammeTarget
    data: DataUsed  # the years of the series behind it, for the report's fallbacks
    long_run: LongRun  # the WPP paths the TFR and e0 follow beyond the calibration horizon
    digest: str = ""  # of the parameters, raw inputs and code that produced it (run); printed by every report

    def central_population(self) -> np.ndarray:
        """(year, sex, age) central population on 1 January."""
        return self.central["population"][0]

    def simulated_population(self) -> np.ndarray:
        """(simulation, year, sex, age) Monte Carlo populations on 1 January."""
        return self.trajectories

    def simulated_totals(self) -> np.ndarray:
        """(simulation, year) Monte Carlo city totals on 1 January."""
        return self.trajectories.sum(axis=(2, 3))

    def year_index(self, year: int) -> int:
        """Position of 1 January ``year`` on the year axis; a year outside the projection is an error."""
        index = int(np.searchsorted(self.years, year))
        if index >= self.years.size or self.years[index] != year:
            raise ValueError(f"year {year} is outside the projection {self.years[0]}-{self.years[-1]}")
        return index

    def by_year(self, year: int) -> YearTotal:
        """Central total and 80 % / 95 % interval on 1 January ``year`` (population_total)."""
        self.year_index(year)
        row = self.tables["population_total"].set_index("year").loc[year]
        return YearTotal(int(year), *(int(row[c]) for c in ("value", "lo_80", "hi_80", "lo_95", "hi_95")))

    def age_group(self, name: str) -> pd.DataFrame:
        """value, lo_80, hi_80, lo_95, hi_95 of one broad age group (AGE_GROUPS) by year."""
        if name not in AGE_GROUPS:
            raise ValueError(f"unknown age group {name!r}; expected one of {list(AGE_GROUPS)}")
        groups = self.tables["population_age_groups"]
        return groups[groups["age_group"] == name].drop(columns="age_group").set_index("year")

    def sex(self, sex: str) -> pd.DataFrame:
        """value, lo_80, hi_80, lo_95, hi_95 of the total of one sex (male, female) by year."""
        if sex not in SEXES:
            raise ValueError(f"unknown sex {sex!r}; expected one of {list(SEXES)}")
        i = SEXES.index(sex)
        central = self.central_population()[:, i].sum(axis=1)
        return total_table(self.years, central, self.trajectories[:, :, i].sum(axis=2)).set_index("year")

    def quantile(self, q: float) -> pd.Series:
        """The ``q`` quantile (0-1) of the simulated city totals, by year."""
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"quantile {q!r}: expected a probability in [0, 1]")
        return pd.Series(np.quantile(self.simulated_totals(), q, axis=0), index=pd.Index(self.years, name="year"))

    def share_at_least(self, year: int, threshold: float) -> float:
        """Share of simulated trajectories with at least ``threshold`` persons on 1 January ``year``."""
        return float((self.simulated_totals()[:, self.year_index(year)] >= threshold).mean())


def total_table(years, central_total, sim_totals) -> pd.DataFrame:
    """``population_total``: the central total by year with the 80% and 95% bounds of the simulated totals (n, year)."""
    q = quantiles(sim_totals)
    frame = pd.DataFrame({"year": years, "value": central_total})
    for key in ("lo_80", "hi_80", "lo_95", "hi_95"):
        frame[key] = q[key]
    return frame.round().astype("int64")
