"""Settings, read from ORDERHUB_* environment variables (and a `.env` file if present).

Every knob an operator may need lives here so that the README can document one list.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERHUB_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="where the SQLite file lives")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is sqlite:///<data_dir>/orderhub.db. "
        "postgresql://user@host/db selects PostgreSQL (psycopg 3).",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1

    max_body_bytes: int = Field(default=1_048_576, ge=1024)

    # Rate limit (token bucket per store). capacity 0 switches it off.
    rate_limit_capacity: int = Field(default=100, ge=0)
    rate_limit_refill_per_second: float = Field(default=20.0, ge=0)
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db; shares rate-limit buckets across processes"
    )

    db_pool_size: int = Field(default=8, ge=1)
    # SQLite connections are cheap, and the pool must outnumber the 40 worker threads (the
    # event loop also reads); PostgreSQL's are not, and the server caps them.
    db_max_overflow: int | None = Field(default=None, ge=0, description="default 64 SQLite, 16 PG")
    idempotency_ttl_hours: int = Field(default=24, ge=1)
    notify_poll_seconds: float = Field(
        default=2.0, ge=0, description="how often queued notifications are looked for; 0 = never"
    )
    notify_max_attempts: int = Field(default=8, ge=1)
    notify_backoff_seconds: float = Field(default=10.0, ge=0, description="first retry delay")
    forward_poll_seconds: float = Field(
        default=2.0, ge=0, description="how often due forwarding jobs are looked for; 0 = never"
    )
    forward_max_attempts: int = Field(default=8, ge=1)
    forward_backoff_seconds: float = Field(default=10.0, ge=0, description="first retry delay")
    forward_timeout_seconds: float = Field(default=30.0, gt=0)
    supplier_poll_seconds: float = Field(
        default=300.0, gt=0, description="how often a forwarded order is polled for tracking"
    )
    # Outbound requests (webhooks, forwarding): see docs/outbound.md.
    outbound_allow_hosts: str = Field(
        default="", description="comma-separated hosts (or .suffix) outbound requests may reach"
    )
    outbound_deny_hosts: str = Field(
        default="", description="comma-separated hosts (or .suffix) never contacted"
    )
    outbound_allow_private: bool = Field(
        default=False, description="allow private, loopback and link-local addresses"
    )
    webhook_poll_seconds: float = Field(
        default=1.0, ge=0, description="how often due webhook deliveries are looked for; 0 = never"
    )
    webhook_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    webhook_max_attempts: int = Field(default=5, ge=1, le=50)
    webhook_backoff_seconds: float = Field(
        default=480.0, ge=0, description="first retry delay; doubles each try (5 tries ~ 2 h)"
    )
    rule_schedule_poll_seconds: float = Field(
        default=30.0, ge=0, description="how often due schedule rules are looked for; 0 = never"
    )
    count_cache_seconds: float = Field(
        default=2.0, ge=0, description="how long a list's total_records may be reused"
    )
    rendered_cache_orders: int = Field(
        default=10_000,
        ge=0,
        description="orders each server process keeps rendered (see docs/performance.md); 0 = off",
    )
    auth_cache_seconds: float = Field(
        default=5.0, ge=0, description="how long a verified credential is trusted without a query"
    )

    # The desk (back office at /).
    session_idle_minutes: int = Field(
        default=120, ge=1, description="a desk session ends after this long without a request"
    )
    session_max_hours: int = Field(
        default=24, ge=1, description="a desk session ends this long after sign-in, whatever"
    )
    desk_secure_cookies: bool = Field(
        default=False, description="mark the desk's cookie Secure (set when served over HTTPS)"
    )
    desk_login_attempts: int = Field(
        default=5, ge=1, description="sign-in attempts per account per window"
    )
    desk_login_attempts_per_address: int = Field(
        default=20, ge=1, description="sign-in attempts per client address per window"
    )
    desk_login_window_seconds: int = Field(
        default=300, ge=1, description="the window in which those attempts refill"
    )

    # Operations: logs, metrics, slow-client limits (README "Operating it").
    access_log: Literal["text", "json", "off"] = Field(
        default="text", description="one line per request; json also makes application logs JSON"
    )
    metrics: Literal["on", "off"] = Field(default="on", description="Prometheus /metrics")
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="serve /metrics on this port, not the app's"
    )
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="a request head must arrive within this"
    )
    body_timeout_seconds: float = Field(
        default=30.0, gt=0, description="a request body must arrive within this (else 408)"
    )

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'orderhub.db').resolve()}"


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
