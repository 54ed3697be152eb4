"""A small web service on the standard library: ``/``, ``/healthz``, ``/readyz`` and ``/metrics``.

Configured by environment variables, as a pod gets them from a ConfigMap and a Secret:

``PORT``               port to listen on (default 8080)
``GREETING``           the text ``/`` answers with (default ``hello``)
``DATABASE_PASSWORD``  a secret: only whether it is set is ever reported, never its value

``/healthz`` answers while the process can serve; ``/readyz`` only once the service has its
configuration (a database password when ``REQUIRE_DATABASE_PASSWORD`` is ``true``) and until
shutdown starts. ``/metrics`` is the Prometheus text format.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType

LOG = logging.getLogger("app")
DEFAULT_PORT = 8080
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_ROUTES = ("/", "/healthz", "/readyz", "/metrics")


@dataclass(frozen=True)
class Settings:
    """The service's configuration; ``repr`` never shows the password."""

    port: int = DEFAULT_PORT
    greeting: str = "hello"
    database_password: str | None = field(default=None, repr=False)
    require_database_password: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        text = env.get("PORT", str(DEFAULT_PORT))
        if not text.isdigit() or not 0 <= int(text) <= 65535:
            raise ValueError(f"PORT: got {text!r}; expected a port number from 0 to 65535")
        return cls(port=int(text), greeting=env.get("GREETING", "hello"),
                   database_password=env.get("DATABASE_PASSWORD") or None,
                   require_database_password=env.get("REQUIRE_DATABASE_PASSWORD", "false").lower() == "true")

    @property
    def ready(self) -> bool:
        return self.database_password is not None or not self.require_database_password


class Metrics:
    """A request counter by path and status, rendered in the Prometheus text format."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, int], int] = {}

    def count(self, path: str, status: int) -> None:
        # Unknown paths share one label value so a scanner cannot blow up the series count.
        key = (path if path in _ROUTES else "other", status)
        with self._lock:
            self._requests[key] = self._requests.get(key, 0) + 1

    def render(self) -> str:
        lines = ["# HELP app_http_requests_total HTTP requests served, by path and status code.",
                 "# TYPE app_http_requests_total counter"]
        with self._lock:
            for (path, status), value in sorted(self._requests.items()):
                lines.append(f'app_http_requests_total{{path="{path}",code="{status}"}} {value}')
        return "\n".join(lines) + "\n"


class App:
    """The service's state, shared by the request handlers."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.draining = threading.Event()

    def answer(self, path: str) -> tuple[int, str, str]:
        """Status, content type and body for a GET of ``path``."""
        if path == "/healthz":
            return HTTPStatus.OK, "text/plain; charset=utf-8", "ok\n"
        if path == "/readyz":
            if self.settings.ready and not self.draining.is_set():
                return HTTPStatus.OK, "text/plain; charset=utf-8", "ready\n"
            return HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", "not ready\n"
        if path == "/metrics":
            return HTTPStatus.OK, METRICS_CONTENT_TYPE, self.metrics.render()
        if path == "/":
            return HTTPStatus.OK, "text/plain; charset=utf-8", f"{self.settings.greeting}\n"
        return HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", "not found\n"


def make_server(app: App, host: str = "0.0.0.0", port: int | None = None) -> ThreadingHTTPServer:
    """An HTTP server for ``app`` bound to ``host`` and ``port`` (``settings.port`` by default; 0: any free)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "app"
        sys_version = ""

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            status, content_type, body = app.answer(path)
            app.metrics.count(path, status)
            payload = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            LOG.debug("%s %s", self.address_string(), format % args)

    server = ThreadingHTTPServer((host, app.settings.port if port is None else port), Handler)
    server.daemon_threads = True
    return server


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = Settings.from_env(os.environ)
    app = App(settings)
    server = make_server(app)

    def stop(signum: int, _frame: FrameType | None) -> None:
        # Fail readiness first so the Service stops sending traffic, then stop serving.
        LOG.info("signal %d: draining", signum)
        app.draining.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    LOG.info("listening on port %d (database password %s)", server.server_address[1],
             "set" if settings.database_password else "not set")
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
