"""The pre-school model's parameters: meaning, source of each default, bounds (composed into every scenario by scenarios.PARAMETERS)."""

from __future__ import annotations

from ..params import Param

# Delivery risk (preschool.draw_places): share ever delivered ~ Beta(mean preschool_delivery_<s>, preschool_delivery_concentration),
# delay ~ Poisson(preschool_delay_<s>); places first serve the kindergarten year starting in September of the year planned + delay.
PARAMETERS: dict[str, Param] = {
    "preschool_delivery_state": Param(
        float,
        "mean share of the 10 state kindergartens (2.3 thousand places, 001_22452510f78b59ea.txt:3037) ever delivered: no kindergarten record; "
        "as the school budget record (schools parameter delivery_budget)",
        0.9,
        min=0.0,
        max=1.0,
    ),
    "preschool_delay_state": Param(
        float, "mean delay of the state kindergartens, years: as the school budget record, ln(0.9 / 0.39) (39% of planned places opened on time in 2020-2021)",
        0.83, min=0.0, max=10.0,
    ),
    "preschool_delivery_memorandum": Param(
        float, "mean share of the developer-memorandum places (10 thousand by 2025, 5 thousand more by 2030, line 3039) delivered: no track record, as state",
        0.9, min=0.0, max=1.0,
    ),
    "preschool_delay_memorandum": Param(float, "mean delay of the memorandum places, years: no track record, as state", 0.83, min=0.0, max=10.0),
    "preschool_delivery_state_order": Param(
        float,
        "mean share of the new state-ordered places (15 thousand by 2025, 5 thousand more by 2030, line 3043) delivered: the record of 2017-2022, "
        "13.7 to 35.7 thousand places (line 3015) = 4.4 thousand a year, against the 5 thousand a year planned for 2023-2025",
        0.88,
        min=0.0,
        max=1.0,
    ),
    "preschool_delay_state_order": Param(
        float, "mean delay of the state-ordered places, years: 0 (an order placed in existing private kindergartens, no construction)", 0.0, min=0.0, max=10.0
    ),
    "preschool_delivery_concentration": Param(
        float, "concentration of the Beta draw of each delivered share: as the school model (delivery_concentration, judgement)", 5.0, min=0.1, max=10_000.0
    ),
    "preschool_place_cost_mn": Param(
        float,
        "cost of one new kindergarten place, million KZT: the memorandum unit cost, 85 bn (line 3073) / 15 thousand places (line 3039); "
        "the budget's 32 bn / 2.3 thousand state places is 13.9 (shown beside it)",
        5.67,
        min=0.0,
        max=100.0,
    ),
}
