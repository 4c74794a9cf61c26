"""Adding a year of data is a routine (issue 17, item 7): a synthetic later release, appended as README "Adding a new
release" says, moves the base year, the report headers and the "what changed" section, with nothing else edited."""

from __future__ import annotations

import json

from almaty_analytics import io, paths, runner, scenarios, summary
from conftest import ECHO_BODY, ECHO_PARAMETERS, make_notebook

QUIET = {"log": lambda m: None, "err": lambda m: None}
BODY = [ECHO_BODY[0], "page.title('summary.title')", "print('base year', page['base_year'])"]
NEW_YEAR = "2024,almaty,total,2230000,2024-03-01\n2024,almaty,male,1035000,2024-03-01\n2024,almaty,female,1195000,2024-03-01\n"


def test_a_new_year_of_data_moves_the_base_year_the_headers_and_what_changed(project, in_process):
    make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, BODY)
    report, out = project / "reports" / "default" / "00_echo.html", project / "reports" / "default"
    assert runner.run(**QUIET) == 0
    newest = io.newest_release()
    assert f"Data as of {newest}" in report.read_text() and "base year 2023" in report.read_text()

    with open(project / "data" / "raw" / "bns_population_1jan.csv", "a", encoding="utf-8") as table:  # step 2 of the routine
        table.write(NEW_YEAR)
    assert scenarios.load("default").parameters["base_year"] == 2024 and io.newest_release() == "2024-03-01"
    assert runner.run(**QUIET) == 0  # nothing forced: the new data alone makes the report run again

    assert "Data as of 2024-03-01" in report.read_text() and "base year 2024" in report.read_text()
    assert json.loads((out / "manifest.json").read_text())["data_vintage"] == "2024-03-01"
    change = summary.changes(out, out / paths.PREVIOUS)
    assert change["inputs"] == ["bns_population_1jan.csv"] and not change["code"]  # "Raw data files with other contents"
    assert scenarios.load("default", {"vintage": newest}).parameters["base_year"] == 2023  # the earlier vintage still runs as it did
