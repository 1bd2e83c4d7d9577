"""Order files: JSON Lines and CSV, in (`orderhub orders import`, the benchmark's seeding)
and out (`orderhub orders export`, the desk's CSV export)."""

from orderhub.orderfiles.pipeline import (
    CSV_COLUMNS,
    CSV_ORDER_COLUMNS,
    ImportSummary,
    run_import,
)

__all__ = ["CSV_COLUMNS", "CSV_ORDER_COLUMNS", "ImportSummary", "run_import"]
