"""Run the numbered notebooks for a scenario and publish their reports and tables.

Method: validate the scenario and the raw data (no kernel yet); for each notebook,
skip it when its fingerprint (notebook, its parameters, raw data, package code) matches
the last good run; otherwise execute it with papermill into a private staging folder
and render HTML with nbconvert (no code, nothing loaded from the internet). Only then
move the results into a new version of ``<output>/<scenario>/`` and make it current with one
atomic switch of a link, under a lock per scenario (publish: all or nothing per run). A failed
notebook gets ``<name>.failed.html`` beside its last good report, which is left untouched.

Before any kernel: parameters, scenario, notebooks, raw data, the PRE_RUN_CHECKS of the
selected notebooks and the output folder are checked; a problem raises ParameterError,
DataError or SetupError (one line, exit 2 in the CLI). Each notebook has a wall-clock
budget (``timeout``): a hung cell is stopped, the kernel shut down and the notebook
reported as failed. Lock waits give up after ``lock_timeout`` seconds. A run removes the
versions a killed run left. A failure while publishing gives one FAILED line naming the file and
leaves the published set as it was. The manifest and the workbook record, table by table, the
notebook run that produced it: a failed notebook's tables keep their last good run.
Notebooks never read each other's outputs (each calls the package), so they may run in
parallel: ``jobs`` defaults to the number of cores, at most the number of notebooks; each
kernel talks over private Unix sockets, so parallel kernels never race for TCP ports. A run in
several languages (``languages``) keeps a folder, lock, manifest and workbook per language but
executes each notebook for all its languages in turn in one kernel: the later languages find the
package imported and the results already computed, and only present them.

One module per concern: ``selection`` (which notebooks, checks before kernels), ``kernel``
(registration, private sockets, a kernel shared by the runs of a notebook), ``execute`` (papermill and
nbconvert: the one function that runs a kernel is ``execute.execute_notebook``), ``publish`` (output checks, locks, versions,
the switch, ``previous/``), ``manifest`` (fingerprints, manifest entries), ``index``
(each scenario's index.html, in its version; each language's index.html, links only) and ``orchestrate``
(one scenario's run, and the passes of several).
"""

from ..paths import PREVIOUS, language_folder
from . import runlog
from .execute import DEFAULT_TIMEOUT, Result, execute_notebook, failed_cell_in, markdown_escaped, render_html
from .index import write_index, write_indexes, write_scenario_index
from .kernel import KERNEL_NAME, QUIET_KERNEL, ensure_kernel
from .manifest import fingerprint, good_run, table_runs
from .orchestrate import run, run_scenarios
from .publish import DEFAULT_LOCK_TIMEOUT, RUNS, PublishError, SetupError, check_output, runs_dir
from .runlog import RunLog
from .selection import (
    LATE_FROM,
    PRE_RUN_CHECKS,
    STAGES,
    check_environment,
    check_scenarios,
    declared_parameters,
    discover,
    pre_run_checks,
    select,
)

__all__ = [
    "DEFAULT_LOCK_TIMEOUT", "DEFAULT_TIMEOUT", "KERNEL_NAME", "LATE_FROM", "PREVIOUS", "PRE_RUN_CHECKS", "QUIET_KERNEL", "RUNS", "STAGES",
    "PublishError", "Result", "RunLog", "SetupError", "check_environment", "check_output", "check_scenarios", "declared_parameters", "discover", "ensure_kernel", "execute_notebook", "failed_cell_in", "fingerprint",
    "good_run", "language_folder", "markdown_escaped", "pre_run_checks", "render_html", "run", "run_scenarios", "runlog", "runs_dir",
    "select", "table_runs", "write_index", "write_indexes", "write_scenario_index",
]
