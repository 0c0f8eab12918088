"""``review serve``: the review page on a loopback-only local server that saves the decisions to disk.

``GET /`` is the page (rendered with the server's Content Security Policy,
``connect-src 'self'``); ``GET /decisions`` the decisions saved so far;
``POST /decisions`` a decisions envelope, validated as ``review apply`` reads it
and for this release's memory only, written atomically as
``<release>.decisions.json`` beside the memory. The server listens on a
loopback address only and answers only requests addressed to it by that name
(a page of another site cannot reach it through DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Callable, cast

from bilingual_pr.errors import UserError
from bilingual_pr.review_files import ReleaseMemory

# A decisions file for one release is a few hundred kilobytes; refuse anything far larger.
MAX_POST = 16 * 1024 * 1024


def loopback_address(host: str) -> str:
    """HOST as an address to bind when it is a loopback one (``localhost``, 127.0.0.0/8, ``::1``); else a UserError."""
    name = "127.0.0.1" if host == "localhost" else host
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        raise UserError(f"--host {host}: give a loopback address (127.0.0.1, ::1 or localhost); "
                        "the review server is for this machine only") from None
    if not address.is_loopback:
        raise UserError(f"--host {host} is not a loopback address: the review server listens on this machine only")
    return str(address)


def make_server(found: ReleaseMemory, page: Callable[[], str], host: str = "127.0.0.1", port: int = 0) -> HTTPServer:
    """A server (not yet serving) for the release's page PAGE() and its decisions file."""
    from bilingual_pr.decisions import dump_decisions, parse_decisions, write_decisions
    from bilingual_pr.review_apply import review_subject

    address = loopback_address(host)
    subject = review_subject(found.release, [*found.memory, *found.review])
    target = found.decisions_path

    class Handler(BaseHTTPRequestHandler):
        server_version = "bilingual-pr"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass  # one line per request would drown the URL the user needs

        def _reply(self, code: int, body: str, kind: str = "text/plain; charset=utf-8") -> None:
            data = body.encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _ours(self) -> bool:
            # Only requests addressed to this server by its loopback name (no rebinding from a web page).
            port = cast(HTTPServer, self.server).server_port
            allowed = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"{address}:{port}"}
            if self.headers.get("Host", "") not in allowed:
                self._reply(403, "wrong Host header: this server answers its loopback address only")
                return False
            origin = self.headers.get("Origin")
            if origin is not None and origin.split("://", 1)[-1] not in allowed:
                self._reply(403, "requests from other sites are refused")
                return False
            return True

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if not self._ours():
                return
            if self.path in ("/", "/index.html"):
                self._reply(200, page(), "text/html; charset=utf-8")
            elif self.path == "/decisions":
                if target.exists():
                    self._reply(200, target.read_text(encoding="utf-8"), "application/json")
                else:
                    self._reply(404, "no decisions saved yet")
            else:
                self._reply(404, "not found")

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            if not self._ours():
                return
            if self.path != "/decisions":
                self._reply(404, "not found")
                return
            if not self.headers.get("Content-Type", "").startswith("application/json"):
                self._reply(415, "decisions are sent as application/json")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_POST:
                self._reply(413, "decisions file too large")
                return
            try:
                decisions = parse_decisions(self.rfile.read(length), "posted decisions", "review")
                if dict(decisions.subject) != subject:
                    raise UserError("these decisions are for another version of this memory")
                dump_decisions(decisions)  # everything serialisable before the file is replaced
                write_decisions(target, decisions)
            except UserError as err:
                self._reply(400, str(err))
                return
            self._reply(200, f"saved to {target.name} ({len(decisions.decisions)} decisions)")

    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    class Server(HTTPServer):
        address_family = family

    try:
        return Server((address, port), Handler)
    except OSError as err:
        raise UserError(f"cannot listen on {address}:{port}: {err.strerror}") from None


def url_of(server: HTTPServer) -> str:
    """The URL of the page a server made by :func:`make_server` serves."""
    host = server.server_address[0]
    name = host.decode() if isinstance(host, (bytes, bytearray)) else str(host)
    shown = f"[{name}]" if ":" in name else name
    return f"http://{shown}:{server.server_port}/"
