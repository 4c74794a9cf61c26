"""almaty-analytics: forecasts of Almaty's population, school seats and emissions.

The public API is ``forecast`` (module ``almaty_analytics.api``): ``almaty_analytics.forecast(net_migration=20_000)``
gives the default scenario's forecasts with one assumption changed, as tables and charts. Each domain's method,
with its references, is in the docstring of its package: ``population``, ``schools``, ``emissions``.
"""

import sys

__version__ = "0.1.0"

# jsonschema (under nbformat and papermill) registers an "iri" format checker when rfc3987_syntax is installed (it is,
# for JupyterLab's jupyter_events), and that module compiles a Lark grammar on import: 2.1 of the 2.4 s jsonschema
# takes to import here, in every command, runner worker server and test process. Nothing here checks IRIs, so the
# module is marked absent (jsonschema then skips that checker); a process that imported it already keeps it.
sys.modules.setdefault("rfc3987_syntax", None)

# After the line above: the API reaches jsonschema through nbformat. Every command, runner worker and kernel imports the
# models anyway, so importing the API here costs them nothing (only ``import almaty_analytics`` alone, about 2 s).
from .api import Forecast, forecast, parameters, scenario_names  # noqa: E402

__all__ = ["Forecast", "__version__", "forecast", "parameters", "scenario_names"]
