"""What orderhub sends out to other systems: the guarded HTTP client (net.py), the webhooks
(webhooks.py subscribes to order events, worker.py delivers them), and forwarding to print
providers (forwarder.py sends and polls, tracking.py applies what a supplier reports)."""
