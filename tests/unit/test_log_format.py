"""The log formats: one JSON object per line with timestamp, level, logger, request id and the
fields of the line; tokens blanked out wherever they appear."""

import json
import logging

from api.observability.logs import JsonFormatter, TextFormatter, log_config, request_id_var

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIiwiZXhwIjo5OTk5OTk5OTk5fQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU"


def record(message: str, *args, **fields) -> logging.LogRecord:
    made = logging.getLogger("salesplan.test").makeRecord(
        "salesplan.test", logging.INFO, __file__, 1, message, args, None, extra={"fields": fields}
    )
    made.created = 1767225600.25  # 2026-01-01T00:00:00.250Z
    return made


def test_a_json_line_has_time_level_logger_message_and_fields():
    line = json.loads(JsonFormatter().format(record("POST %s", "/graphql", status=200)))
    assert line == {
        "ts": "2026-01-01T00:00:00.250+00:00",
        "level": "info",
        "logger": "salesplan.test",
        "message": "POST /graphql",
        "status": 200,
    }


def test_a_record_made_while_a_request_is_served_carries_its_id_even_when_formatted_later():
    token = request_id_var.set("req-7")
    try:
        made = record("inside")
    finally:
        request_id_var.reset(token)
    assert json.loads(JsonFormatter().format(made))["request_id"] == "req-7"
    assert "request_id=req-7" in TextFormatter().format(made)


def test_a_bearer_token_in_a_message_or_field_is_blanked_out():
    made = record("got %s", f"Bearer {TOKEN}", header=TOKEN)
    for text in (JsonFormatter().format(made), TextFormatter().format(made)):
        assert TOKEN not in text
        assert "[redacted token]" in text


def test_an_exception_stays_on_the_one_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        made = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    text = JsonFormatter().format(made)
    assert "\n" not in text
    assert "ValueError: boom" in json.loads(text)["exception"]


def test_the_server_log_config_routes_uvicorn_through_one_formatter_without_its_access_log():
    config = log_config("text", "warning")
    assert config["handlers"]["stderr"]["formatter"] == "text"
    assert config["root"]["level"] == "WARNING"
    assert config["loggers"]["uvicorn.access"]["propagate"] is False
    assert log_config()["handlers"]["stderr"]["formatter"] == "json"
