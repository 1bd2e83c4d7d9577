"""Order files into a store: JSON Lines and CSV (`orderhub orders import`, the benchmark's
seeding). Their format, and the export, are in protocol/orderdesk/order_file.py."""

from orderhub.orderfiles.pipeline import ImportSummary, run_import

__all__ = ["ImportSummary", "run_import"]
