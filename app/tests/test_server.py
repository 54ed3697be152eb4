"""The sample service on loopback: probes, metrics, configuration, and the password never shown."""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.server import App, Settings, make_server

PASSWORD = "s3cret-value-never-shown"


@contextmanager
def serving(settings: Settings) -> Iterator[tuple[App, str]]:
    """``app`` served on 127.0.0.1 on a free port, in a thread, for the duration of the block."""
    app = App(settings)
    server = make_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_probes_and_greeting_from_the_environment() -> None:
    settings = Settings.from_env({"GREETING": "annyeong", "PORT": "9090"})
    assert settings.port == 9090
    with serving(settings) as (_, base):
        assert get(f"{base}/healthz")[::2] == (200, "ok\n")
        assert get(f"{base}/readyz")[::2] == (200, "ready\n")
        assert get(f"{base}/")[::2] == (200, "annyeong\n")
        assert get(f"{base}/nope")[0] == 404


def test_metrics_count_requests_in_the_prometheus_text_format() -> None:
    with serving(Settings()) as (_, base):
        get(f"{base}/healthz")
        get(f"{base}/healthz")
        get(f"{base}/does-not-exist")
        status, content_type, body = get(f"{base}/metrics")
    assert status == 200
    assert content_type.startswith("text/plain; version=0.0.4")
    lines = body.splitlines()
    assert "# TYPE app_http_requests_total counter" in lines
    assert 'app_http_requests_total{path="/healthz",code="200"} 2' in lines
    assert 'app_http_requests_total{path="other",code="404"} 1' in lines


def test_not_ready_without_a_required_password_nor_while_draining() -> None:
    with serving(Settings.from_env({"REQUIRE_DATABASE_PASSWORD": "true"})) as (_, base):
        assert get(f"{base}/readyz")[0] == 503
        assert get(f"{base}/healthz")[0] == 200  # alive, just not ready: no restart loop
    with serving(Settings.from_env({"REQUIRE_DATABASE_PASSWORD": "true", "DATABASE_PASSWORD": PASSWORD})) as (
            app, base):
        assert get(f"{base}/readyz")[0] == 200
        app.draining.set()
        assert get(f"{base}/readyz")[0] == 503


def test_the_password_is_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings.from_env({"DATABASE_PASSWORD": PASSWORD})
    assert settings.database_password == PASSWORD
    assert PASSWORD not in repr(settings)
    caplog.set_level(logging.DEBUG)
    with serving(settings) as (_, base):
        bodies = [get(f"{base}{path}")[2] for path in ("/", "/healthz", "/readyz", "/metrics")]
    assert not any(PASSWORD in body for body in bodies)
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize("port", ["http", "-1", "70000"])
def test_a_bad_port_is_named(port: str) -> None:
    with pytest.raises(ValueError, match=rf"^PORT: got '{port}'; expected a port number from 0 to 65535$"):
        Settings.from_env({"PORT": port})
