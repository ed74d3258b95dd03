"""Demo case files of KMB Liberec (manage.py seed_demo)."""

from demo.case_files.builder import build_case_files

__all__ = ["build_case_files"]
