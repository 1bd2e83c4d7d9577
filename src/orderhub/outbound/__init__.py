"""What orderhub sends out: forwarding orders to print providers and tracking them back."""
