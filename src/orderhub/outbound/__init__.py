"""What orderhub sends out to other systems: the guarded HTTP client (net.py) and the
webhooks (webhooks.py subscribes to order events, worker.py delivers them)."""
