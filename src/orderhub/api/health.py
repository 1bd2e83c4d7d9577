"""`/healthz` (the process answers) and `/readyz` (it can serve: database reachable, schema
at the code's head, Redis reachable when configured), for load balancers and orchestrators.

No credentials, and no configuration in the answers: the reason names what is wrong
("database unreachable"), never a URL, host or version; the detail goes to the log.
A readiness answer is reused for a second so that probes cost at most one check a second.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from orderhub.storage.database import Database
from orderhub.storage.migrate import schema_state

log = logging.getLogger("orderhub.health")

CACHE_SECONDS = 1.0
# A check that takes longer than this counts as a failure (a hung database must not hang
# the probe); the check itself finishes in its thread.
CHECK_TIMEOUT_SECONDS = 3.0
NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter(include_in_schema=False)


class Readiness:
    """Checks the backends the service needs and remembers the answer for a second."""

    def __init__(self, db: Database, redis_url: str | None) -> None:
        self.db = db
        self.redis_url = redis_url
        self._redis: Any = None
        self._answer: str | None = None
        self._checked_at = float("-inf")

    async def problem(self) -> str | None:
        """None when ready, else a short reason safe to show anyone."""
        now = time.monotonic()
        if now - self._checked_at < CACHE_SECONDS:
            return self._answer
        try:
            answer = await asyncio.wait_for(run_in_threadpool(self._check), CHECK_TIMEOUT_SECONDS)
        except TimeoutError:
            log.warning("readiness: the check took longer than %.0f s", CHECK_TIMEOUT_SECONDS)
            answer = "readiness check timed out"
        self._answer, self._checked_at = answer, time.monotonic()
        return answer

    def _check(self) -> str | None:
        try:
            state = schema_state(self.db)
        except Exception as exc:
            log.warning("readiness: database unreachable (%s: %s)", type(exc).__name__, exc)
            return "database unreachable"
        if not state.up_to_date:
            log.warning("readiness: %s", state.problem())
            return "database schema is not at the code's migration head"
        if self.redis_url:
            try:
                self._redis_client().ping()
            except Exception as exc:
                log.warning("readiness: Redis unreachable (%s)", type(exc).__name__)
                return "redis unreachable"
        return None

    def _redis_client(self) -> Any:
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(
                self.redis_url or "", socket_timeout=1, socket_connect_timeout=1
            )
        return self._redis

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()


@router.get("/healthz")
async def healthz() -> Response:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    problem = await request.app.state.readiness.problem()
    if problem is None:
        return JSONResponse({"status": "ok"}, headers=NO_STORE)
    return JSONResponse({"status": "unavailable", "reason": problem}, 503, headers=NO_STORE)
