"""Parameter declarations: each domain declares its own parameters once, beside its model.

A ``Param`` says a parameter's type, meaning and source (``help``), default, range, allowed values and
unit. ``population.PARAMETERS``, ``schools.PARAMETERS`` and ``emissions.PARAMETERS`` declare the
domains' parameters; ``scenarios`` composes them with the run's own (``scenarios.COMMON_PARAMETERS``)
and validates a scenario before any kernel starts. This module imports nothing of the package, so
every domain can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REQUIRED = object()  # the default of a parameter every scenario must give
FROM_THE_DATA = "from the data"  # the default shown for a parameter whose default is None (calibrated or fitted on the vintage)


class ParameterError(ValueError):
    """A scenario or parameter value is not acceptable."""


@dataclass(frozen=True)
class Param:
    type: type
    help: str  # what it means and where the default comes from
    default: Any = REQUIRED
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None  # allowed values (for lists: allowed items)
    unit: str = ""
    max_length: int | None = None  # free text: at most this many characters

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def expected(self) -> str:
        kind = {int: "an integer", float: "a number", str: "a string", bool: "true or false", list: "a list"}[self.type]
        if self.choices:
            kind += f" from {list(self.choices)}"
        if self.min is not None or self.max is not None:
            kind += f" in [{self.min if self.min is not None else '-inf'}, {self.max if self.max is not None else 'inf'}]"
        return kind
