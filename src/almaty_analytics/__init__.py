"""almaty-analytics: forecasts of Almaty's population, school seats and emissions.

The public API is ``forecast`` (module ``almaty_analytics.api``): ``almaty_analytics.forecast(net_migration=20_000)``
gives the default scenario's forecasts with one assumption changed, as tables and charts. Each domain's method,
with its references, is in the docstring of its package: ``population``, ``schools``, ``emissions``.
"""

__version__ = "0.1.0"

from .api import Forecast, forecast, parameters, scenario_names  # noqa: E402, F401  (the public API: api.py)
