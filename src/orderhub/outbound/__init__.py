"""What orderhub sends out to other systems: the guarded HTTP client every request goes
through (net.py, with the address table in addresses.py), print-on-demand notifications
(notifier.py), the webhooks (webhooks.py subscribes to order events, worker.py delivers
them), and forwarding to print providers (forwarder.py sends and polls, tracking.py applies
what a supplier reports); in_flight.py lets each worker serve receivers side by side."""
