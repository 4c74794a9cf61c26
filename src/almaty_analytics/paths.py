"""Every path the project uses, built from one root.

The root is the repository (found from this file in an editable install), or the
directory named by the environment variable ``ALMATY_ANALYTICS_ROOT`` (tests, cron).
"""

import os
from pathlib import Path

ROOT_ENV = "ALMATY_ANALYTICS_ROOT"


def root() -> Path:
    return Path(os.environ.get(ROOT_ENV) or Path(__file__).resolve().parents[2])


def raw_dir() -> Path:
    return root() / "data" / "raw"


def processed_dir() -> Path:
    return root() / "data" / "processed"


def notebooks_dir() -> Path:
    return root() / "notebooks"


def scenarios_dir() -> Path:
    return root() / "scenarios"


def reports_dir() -> Path:
    return root() / "reports"


def package_dir() -> Path:
    return Path(__file__).resolve().parent


PREVIOUS = "previous"  # <scenario folder>/previous/: its tables and manifest as they were before the last run that changed them


def language_folder(output_root: Path, language: str) -> Path:
    """Where a language's scenarios are published: the output root for English, ``<root>/<language>/`` otherwise."""
    return Path(output_root) if language == "en" else Path(output_root) / language
