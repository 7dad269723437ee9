"""Structured logs: one JSON object per line (or key=value text), each carrying the request id of
the request it was written for.

Fields beside the message are passed as `extra={"fields": {...}}`. Nothing here logs headers,
variables or query text; a bearer token that slips into a message anyway is blanked out.
"""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request (or websocket connection) being served, set by api.observability.requests.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# A JWT: three base64url parts, the first two starting with '{"' encoded ("eyJ").
_JWT = re.compile(r"eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]{10,}")
_SKIPPED = frozenset(logging.makeLogRecord({}).__dict__) | {
    "fields",
    "message",
    "asctime",
    "color_message",  # uvicorn's coloured copy of the message
}


def _stamp_request_id(factory):
    """Every log record made while a request is served carries its id (read when the record is
    made, so a handler that formats it later, elsewhere, still has it)."""

    def make(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        request_id = request_id_var.get()
        if request_id is not None:
            record.request_id = request_id
        return record

    make.stamps_request_id = True
    return make


if not getattr(logging.getLogRecordFactory(), "stamps_request_id", False):
    logging.setLogRecordFactory(_stamp_request_id(logging.getLogRecordFactory()))


def redact(text: str) -> str:
    return _JWT.sub("[redacted token]", text) if "eyJ" in text else text


def _fields(record: logging.LogRecord) -> dict:
    fields: dict = {}
    request_id = getattr(record, "request_id", None)
    if request_id is not None:
        fields["request_id"] = request_id
    fields.update(getattr(record, "fields", None) or {})
    # Anything else passed through `extra=` (uvicorn passes some) is kept too.
    for key, value in record.__dict__.items():
        if key not in _SKIPPED and key not in fields and key != "request_id":
            fields[key] = value
    return fields


class JsonFormatter(logging.Formatter):
    """{"ts": ..., "level": ..., "logger": ..., "message": ..., <fields>} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(line, default=str, ensure_ascii=False))


class TextFormatter(logging.Formatter):
    """`2026-05-01T10:00:00.123Z info salesplan.access POST /graphql 200 request_id=... ...`"""

    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        parts = [ts.replace("+00:00", "Z"), record.levelname.lower(), record.name]
        parts.append(record.getMessage())
        parts.extend(f"{k}={v}" for k, v in _fields(record).items() if v is not None)
        text = " ".join(str(p) for p in parts)
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return redact(text)


def log_config(log_format: str = "json", level: str = "info") -> dict:
    """A logging.config.dictConfig for the server (uvicorn takes it as `log_config`): every
    logger, uvicorn's included, through one formatter on stderr. uvicorn's access log is off:
    api.observability.requests writes a richer line per request."""
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"()": TextFormatter},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }
