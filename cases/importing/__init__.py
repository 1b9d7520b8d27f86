"""Importing case extracts (Ofsted Annex A List 5, and the product's own format): docs/import.md.

Reading (`reading`) and parsing (`parsing`, `schema`, `cells`) are pure; `checks` applies the models'
rules; `planning` reads the stored records to match; `services` is the one place that writes.
"""

from cases.importing.parsing import ExtractError
from cases.importing.services import (
    Counts,
    ExtractFile,
    ImportResult,
    cases_import,
    cases_import_files,
    cases_import_preview,
    cases_import_preview_files,
)

__all__ = [
    "Counts",
    "ExtractError",
    "ExtractFile",
    "ImportResult",
    "cases_import",
    "cases_import_files",
    "cases_import_preview",
    "cases_import_preview_files",
]
