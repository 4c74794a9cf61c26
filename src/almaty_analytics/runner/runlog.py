"""What a scheduled job reads after a run: ``run-log.jsonl`` (every run's events, appended) and ``status.json``
(the last run: running or finished, each notebook's status and seconds, the exit code), both in the output root.

Method: one JSON object per line, written and flushed as each event happens (``start``, ``notebook``, ``publish_failed``,
``end``), so a killed run leaves its events up to the kill and a status that still says ``running``.
``status.json`` is rewritten atomically at the start, after each notebook and at the end. ``make clean`` keeps both
files. A log that cannot be written never stops a run: the run's own output folder checks report an unwritable root.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from .. import io

LOG = "run-log.jsonl"
STATUS = "status.json"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class RunLog:
    """The events and the status of one invocation of ``almaty-analytics run`` in ``root``."""

    def __init__(self, root: Path, command: list[str]):
        self.root = root
        self.status: dict[str, Any] = {"state": "running", "pid": os.getpid(), "command": command, "started": _now(), "notebooks": []}
        self._write("start", command=command)

    def notebook(self, run_name: str, notebook: str, status: str, seconds: float, error: str = "") -> None:
        """One notebook of one run (``scenario/language``) finished: ok, failed or unchanged."""
        entry = {"run": run_name, "notebook": notebook, "status": status, "seconds": round(seconds, 2)} | ({"error": error} if error else {})
        self.status["notebooks"].append(entry)
        self._write("notebook", **entry)

    def publish_failed(self, run_name: str, message: str) -> None:
        self.status.setdefault("publish_failed", []).append({"run": run_name, "error": message})
        self._write("publish_failed", run=run_name, error=message)

    def end(self, exit_code: int, message: str = "") -> None:
        counts = {k: sum(n["status"] == k for n in self.status["notebooks"]) for k in ("ok", "failed", "unchanged")}
        self.status |= {"state": "finished", "finished": _now(), "exit_code": exit_code, "totals": counts} | ({"message": message} if message else {})
        self._write("end", exit_code=exit_code, totals=counts, **({"message": message} if message else {}))

    def _write(self, event: str, **fields: Any) -> None:
        with contextlib.suppress(OSError):
            self.root.mkdir(exist_ok=True)  # (not its parents: a root under a missing folder is refused by the run)
            with open(self.root / LOG, "a", encoding="utf-8") as log:
                log.write(json.dumps({"time": _now(), "pid": os.getpid(), "event": event} | fields, default=str) + "\n")
            io.atomic_write_text(self.root / STATUS, json.dumps(self.status, indent=1, default=str))
