"""Long-run fertility and mortality paths: WPP 2022 Kazakhstan's projected change plus Almaty's differential.

Method. Up to the calibration horizon (``LONG_RUN_FROM`` years after the base year: the backtest horizons the
intervals are calibrated on) the TFR and e0 follow the calibrated linear paths of ``model.assumption_paths``. From
there on each follows the change WPP 2022 projects for Kazakhstan, keeping Almaty's differential to Kazakhstan as
it stands at that year (the observed base-year value carried along the calibrated path):

    X(t) = X(j) + [W(t) − W(j)],   t > j = base year + LONG_RUN_FROM,

W the WPP medium (TFR; e0 by sex), so X(t) − W(t) = X(j) − W(j) (the differential) for every later year. The
uncertainty widens as WPP's 80 % probabilistic interval does: the sd at t is the calibrated sd at j plus the growth
of WPP's half width / 1.28 from j to t (TFR relative to the WPP medium, e0 in years). A constant additive gap to the national
projection is the "shift" method of the subnational e0 projections of the UN's probabilistic toolkit (R package
bayesLife, ``e0.predict.subnat(method = "shift")``, R/project_subnat.R: trajectory = national + the last observed
gap, applied here to the TFR as well); the national paths are the
UN's probabilistic projections (World Population Prospects 2022, released 11 July 2022) as the R package
PPgp/wpp2022 holds them (wpp2022_kazakhstan_annual).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..evaluation import Z80
from .inputs import wpp_series

LONG_RUN_FROM = 5  # years after the base year: the backtest horizons 1-5 (BACKTEST_HORIZONS) calibrate the paths to here
E0_INDICATORS = ("e0_male", "e0_female")


@dataclass(frozen=True)
class NationalPaths:
    """WPP 2022 Kazakhstan projections by year: medium and 80 % interval half width, TFR and e0 by sex."""

    years: np.ndarray  # (Y,) calendar years
    tfr: np.ndarray  # (Y,) medium
    tfr_half_80: np.ndarray  # (Y,) half width of the 80 % interval
    e0: np.ndarray  # (Y, 2) medium, male and female
    e0_half_80: np.ndarray  # (Y, 2)

    def at(self, years: np.ndarray, values: np.ndarray) -> np.ndarray:
        """``values`` (rows by ``self.years``) at ``years``; a year WPP does not project is an error."""
        index = np.searchsorted(self.years, years)
        if np.any(index >= self.years.size) or np.any(self.years[np.minimum(index, self.years.size - 1)] != years):
            raise ValueError(f"WPP 2022 Kazakhstan projects {self.years[0]}-{self.years[-1]}; the long-run paths need {years.min()}-{years.max()}")
        return values[index]


@dataclass(frozen=True)
class LongRun:
    """The national paths and the year after the base year from which the TFR and e0 follow them."""

    national: NationalPaths
    start: int = LONG_RUN_FROM


def national_paths(annual: pd.DataFrame) -> NationalPaths:
    """The WPP 2022 Kazakhstan medium and 80 % bounds of TFR and e0 by sex (wpp2022_kazakhstan_annual), on their common years."""
    series = {
        (indicator, variant): wpp_series(annual, indicator, variant)
        for indicator in ("tfr", *E0_INDICATORS)
        for variant in ("medium", "pi80_lower", "pi80_upper")
    }
    years = sorted(set.intersection(*(set(s.index) for s in series.values())))
    if not years:
        raise ValueError("wpp2022_kazakhstan_annual.csv: no year with the medium and 80% bounds of tfr, e0_male and e0_female")

    def get(indicator: str, variant: str) -> np.ndarray:
        return series[(indicator, variant)].reindex(years).to_numpy(dtype=float)

    def half(indicator: str) -> np.ndarray:
        return (get(indicator, "pi80_upper") - get(indicator, "pi80_lower")) / 2

    return NationalPaths(
        years=np.array(years),
        tfr=get("tfr", "medium"),
        tfr_half_80=half("tfr"),
        e0=np.stack([get(i, "medium") for i in E0_INDICATORS], axis=-1),
        e0_half_80=np.stack([half(i) for i in E0_INDICATORS], axis=-1),
    )


def long_run_paths(
    tfr: np.ndarray, tfr_sd: np.ndarray, e0: np.ndarray, e0_sd: np.ndarray, years: np.ndarray, base_year: int, long_run: LongRun
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """TFR (T,) with its relative sd (T,) and e0 (T, 2) with its sd in years (T, 2): the calibrated central paths
    and sds (``model.assumption_paths``) to ``long_run.start`` years after ``base_year``, WPP's change from there on.

    ``years`` are consecutive from ``base_year``. The TFR and e0 keep their differential to WPP's medium of the join
    year; the sds grow as WPP's 80 % half widths / 1.28 (the TFR's relative to WPP's medium)."""
    h = years - base_year
    later = h > long_run.start
    if not later.any():
        return tfr, tfr_sd, e0, e0_sd
    national = long_run.national
    j = int(np.flatnonzero(h == long_run.start)[0])  # the join year (years run on from the base year)
    ahead = years[j:]  # the join year and after: the only years WPP's projection is read for (a base year before it starts is fine)
    w_tfr, w_tfr_sd = national.at(ahead, national.tfr), national.at(ahead, national.tfr_half_80 / Z80 / national.tfr)
    w_e0, w_e0_sd = national.at(ahead, national.e0), national.at(ahead, national.e0_half_80 / Z80)
    tfr, tfr_sd, e0, e0_sd = (np.array(a, dtype=float) for a in (tfr, tfr_sd, e0, e0_sd))
    tfr[later] = tfr[j] + w_tfr[1:] - w_tfr[0]
    tfr_sd[later] = tfr_sd[j] + w_tfr_sd[1:] - w_tfr_sd[0]
    e0[later] = e0[j] + w_e0[1:] - w_e0[0]
    e0_sd[later] = e0_sd[j] + w_e0_sd[1:] - w_e0_sd[0]
    return tfr, tfr_sd, e0, e0_sd
