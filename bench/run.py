"""Benchmarks: `make bench`. Prints one `<name>: <number> <unit>` line per figure.

Runs against a throw-away test database on whatever DATABASE_URL says (SQLite when unset), like the
tests. Each module in BENCHMARKS has `run(report)`; later areas add theirs. Name modules to run
only those: `.venv/bin/python bench/run.py matching reports`.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kmb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench import cases, matching, matching_engine, reports, web  # noqa: E402

BENCHMARKS = [web, cases, matching_engine, matching, reports]


def report(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.2f} {unit}" if isinstance(value, float) else f"{name}: {value} {unit}")
    sys.stdout.flush()


def main(names: list[str]) -> None:
    chosen = [module for module in BENCHMARKS if not names or module.__name__[6:] in names]
    if len(chosen) < len(set(names)):
        known = ", ".join(module.__name__[6:] for module in BENCHMARKS)
        sys.exit(f"Unknown benchmark among {names}; known: {known}")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for module in chosen:
            module.run(report)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(sys.argv[1:])
