"""Use cases, one per function, each in one transaction: the only way any door — either
protocol, the desk, the importer, the CLI, the forwarder — changes a store's orders.

A service takes the authenticated `Store`, the `Channel` the change came through and domain
values; it opens and commits its transaction, publishes the change's events inside it
(`events.publish`), and returns domain values. It knows no HTTP and no wire format.
"""
