"""Order files into a store: `orderhub orders import` and the benchmark's seeding."""

from orderhub.importer.pipeline import (
    CSV_COLUMNS,
    CSV_ORDER_COLUMNS,
    ImportSummary,
    run_import,
)

__all__ = ["CSV_COLUMNS", "CSV_ORDER_COLUMNS", "ImportSummary", "run_import"]
