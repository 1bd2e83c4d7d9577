"""Wire formats shared by every party that speaks a protocol (server, client, forwarder)."""
