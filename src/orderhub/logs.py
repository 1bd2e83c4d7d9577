"""Log lines: one format for the access log and the application's own logs, text or JSON,
each line carrying the id of the request it was written for.

The request id lives in a context variable set by the request middleware, so any
`logging` call made while serving a request (on the event loop or in the thread pool, which
copies the context) is tagged without passing the id around. Formatters read it at format
time; nothing needs a filter on each logger.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from typing import Any, Literal

import orjson

LogFormat = Literal["text", "json", "off"]

REQUEST_ID: ContextVar[str | None] = ContextVar("orderhub_request_id", default=None)
ACCESS_LOGGER = "orderhub.access"


def current_request_id() -> str | None:
    return REQUEST_ID.get()


def _request_id(record: logging.LogRecord) -> str | None:
    explicit = getattr(record, "request_id", None)
    return explicit if explicit is not None else REQUEST_ID.get()


class _SecondStamps:
    """The date and time to the second, formatted once per second rather than per line
    (strftime is a third of the cost of an access line)."""

    def __init__(self, pattern: str, convert: Any) -> None:
        self.pattern = pattern
        self.convert = convert
        self.second = -1
        self.stamp = ""

    def __call__(self, created: float) -> str:
        second = int(created)
        if second != self.second:
            self.stamp = time.strftime(self.pattern, self.convert(second))
            self.second = second
        return self.stamp


class TextFormatter(logging.Formatter):
    """`2026-11-25 10:00:00,123 INFO orderhub.access [rid] GET /api/v2/test 200 1.2ms store=1`
    (local time, as uvicorn's own lines)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        self._stamps = _SecondStamps("%Y-%m-%d %H:%M:%S", time.localtime)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return f"{self._stamps(record.created)},{int(record.msecs):03d}"

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = _request_id(record) or "-"
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    the access fields for access lines, and the traceback as `exception` when there is one."""

    def __init__(self) -> None:
        super().__init__()
        self._stamps = _SecondStamps("%Y-%m-%dT%H:%M:%S", time.gmtime)

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": f"{self._stamps(record.created)}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id(record),
        }
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return orjson.dumps(line, default=str).decode()


def logging_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn's `log_config`: uvicorn's own loggers and
    orderhub's through one handler on stderr, in the chosen format (text unless json).
    uvicorn's access logger is silenced: orderhub writes its own access line."""
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "text": {"()": "orderhub.logs.TextFormatter"},
            "json": {"()": "orderhub.logs.JsonFormatter"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "orderhub": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


class AccessLog:
    """Writes the one line per request. Never the query string (print-on-demand requests
    carry their signature there) nor any header but the request id."""

    def __init__(self) -> None:
        self.logger = logging.getLogger(ACCESS_LOGGER)

    def write(
        self,
        method: str,
        route: str,
        status: int,
        seconds: float,
        store_id: int | None,
        request_id: str,
    ) -> None:
        if not self.logger.isEnabledFor(logging.INFO):
            return
        ms = round(seconds * 1000, 2)
        store = "-" if store_id is None else store_id
        self.logger.info(
            "%s %s %d %.2fms store=%s",
            method,
            route,
            status,
            ms,
            store,
            extra={
                "request_id": request_id,
                "fields": {
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": ms,
                    "store_id": store_id,
                },
            },
        )
