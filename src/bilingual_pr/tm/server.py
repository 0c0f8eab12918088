"""``tm serve``: a memory database for a team over HTTP: a JSON API and one concordance search page.

The server is the standard library's ``http.server`` (docs/dependencies.md says why) with
a fixed pool of worker threads instead of a thread a request: each worker opens its own
backend connection on first use (SQLite connections belong to the thread that opened them;
one psycopg connection is not shared between threads either), keeps it for the requests it
serves, drops it after a database error and closes it when the server stops. So a team
server holds at most ``workers`` connections, however many clients come.

Endpoints (docs/tm.md, "A team server"): ``GET /`` the page; ``GET /api/search``,
``/api/concord``, ``/api/stats`` answer with what ``tm search/concord/stats --format json``
print (``tm/records.py``); ``POST /api/import`` imports one TMX/XLIFF/TSV/CSV body in one
transaction with ``tm import``'s code, only when the server was started with
``allow_import``. Every error is one JSON line ``{"error": "..."}`` with its status; a
fault of ours is logged on the server, never sent as a traceback.

A server on a loopback address answers only requests whose ``Host`` names it (a web page
cannot rebind its own name to 127.0.0.1 and read the memory), and an import must come with
a content type a web form cannot send and no foreign ``Origin`` (no cross-site import).
"""

from __future__ import annotations

import ipaddress
import json
import queue
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from bilingual_pr.errors import UserError
from bilingual_pr.tm.backend import ORIGINS, TMBackend

#: What a bare ``tm serve`` listens on: this machine only.
DEFAULT_HOST = "127.0.0.1"
#: The largest import body taken (bytes): a year of a team's releases is a few MB of TMX.
MAX_UPLOAD = 64 * 1024 * 1024
#: The longest search text or phrase taken (characters): a sentence, not a document.
MAX_QUERY = 2000
#: Content types a web page may POST without asking first (CORS "simple" requests): an import refuses them.
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
_JSON = "application/json; charset=utf-8"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How to serve a memory: where it is, where to listen, whether imports are allowed, and limits."""

    db: str
    host: str = DEFAULT_HOST
    port: int = 0  # 0: a free port, chosen by the system
    allow_import: bool = False
    max_upload: int = MAX_UPLOAD
    workers: int = 8  # threads, hence at most this many database connections
    log: Callable[[str], None] | None = None  # one line a request; None: nothing


class ApiError(Exception):
    """A request the API refuses: its HTTP status and a one-line message for the client."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is this machine's loopback (127.0.0.0/8, ::1, localhost)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def _params(query: str, known: tuple[str, ...]) -> dict[str, str]:
    """The query string's parameters, each given once, all of them known."""
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=False, max_num_fields=len(known) + 4,
                          errors="strict")
    except (ValueError, UnicodeDecodeError) as err:
        raise ApiError(HTTPStatus.BAD_REQUEST, f"malformed query string: {err}") from None
    out: dict[str, str] = {}
    for name, value in pairs:
        if name not in known:
            raise ApiError(HTTPStatus.BAD_REQUEST, f"unknown parameter {name!r} (known: {', '.join(known)})")
        if name in out:
            raise ApiError(HTTPStatus.BAD_REQUEST, f"parameter {name!r} given twice")
        out[name] = value
    return out


def _text(params: dict[str, str], name: str, required: bool = True) -> str | None:
    value = params.get(name)
    if value is None or not value.strip():
        if required:
            raise ApiError(HTTPStatus.BAD_REQUEST, f"{name}: give a text to look for")
        return None
    if len(value) > MAX_QUERY:
        raise ApiError(HTTPStatus.BAD_REQUEST, f"{name}: longer than {MAX_QUERY} characters")
    return value


def _language(params: dict[str, str], name: str, kind: str = "code") -> str | None:
    from bilingual_pr.language import canonical_tag, parse_language

    value = params.get(name)
    if value is None or value == "":
        if kind == "code":
            raise ApiError(HTTPStatus.BAD_REQUEST, f"{name}: give a language (fr or en)")
        return None
    try:
        return parse_language(value) if kind == "code" else canonical_tag(value)
    except UserError as err:
        raise ApiError(HTTPStatus.BAD_REQUEST, f"{name}: {err}") from None


def _number(params: dict[str, str], name: str, default: float, low: float, high: float, integer: bool) -> float:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value) if integer else float(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        kind = "a whole number" if integer else "a number"
        raise ApiError(HTTPStatus.BAD_REQUEST, f"{name}: {value!r} is not {kind} from {low:g} to {high:g}")
    return number


def search_answer(backend: TMBackend, query: str) -> list[dict[str, Any]]:
    """``GET /api/search?q=&from=&to=[&min=75&limit=5&prev=&next=]``: what ``tm search --format json`` prints."""
    from bilingual_pr.tm.records import SEARCH_LIMIT, match_record
    from bilingual_pr.tm.search import search

    p = _params(query, ("q", "from", "to", "min", "limit", "prev", "next"))
    text = _text(p, "q")
    source, target = _language(p, "from"), _language(p, "to")
    minimum = _number(p, "min", 75, 0, 101, integer=False)
    limit = int(_number(p, "limit", 5, 1, SEARCH_LIMIT, integer=True))
    matches = search(backend, text or "", source or "", target or "", minimum=minimum, limit=limit,
                     prev_source=_text(p, "prev", required=False), next_source=_text(p, "next", required=False))
    return [match_record(m) for m in matches]


def concord_answer(backend: TMBackend, query: str) -> list[dict[str, Any]]:
    """``GET /api/concord?q=&lang=[&limit=20]``: what ``tm concord --format json`` prints."""
    from bilingual_pr.tm.records import CONCORD_LIMIT, concordance_record

    p = _params(query, ("q", "lang", "limit"))
    phrase, lang = _text(p, "q") or "", _language(p, "lang") or ""
    limit = int(_number(p, "limit", 20, 1, CONCORD_LIMIT, integer=True))
    return [concordance_record(u, phrase, lang) for u in backend.concordance(phrase, lang, limit)]


def stats_answer(backend: TMBackend, query: str) -> dict[str, Any]:
    """``GET /api/stats``: what ``tm stats --format json`` prints."""
    _params(query, ())
    return backend.stats()


def import_answer(backend: TMBackend, query: str, body: bytes) -> dict[str, Any]:
    """``POST /api/import?name=FILE[&origin=&from=&to=]``: one file's body imported in one transaction."""
    from bilingual_pr.tm.exchange import read_upload
    from bilingual_pr.tm.records import import_record

    p = _params(query, ("name", "origin", "from", "to"))
    origin = p.get("origin") or None
    if origin is not None and origin not in ORIGINS:
        raise ApiError(HTTPStatus.BAD_REQUEST, f"origin: {origin!r} is not one of {', '.join(ORIGINS)}")
    try:
        units, skipped, name = read_upload(body, p.get("name") or "upload", origin=origin,
                                           source_lang=_language(p, "from", "tag"),
                                           target_lang=_language(p, "to", "tag"))
    except UserError as err:
        raise ApiError(HTTPStatus.BAD_REQUEST, str(err)) from None
    # As `tm import` does with a file: all of it in one transaction, or nothing.
    return import_record(backend.import_units(units, source_file=name, skipped=skipped))


class TMServer(HTTPServer):
    """The HTTP server of one memory: a fixed pool of workers, each with its own backend connection."""

    def __init__(self, options: ServeOptions) -> None:
        from bilingual_pr.tm import open_tm

        self.options = options
        # Open (and check) the memory once before listening: a wrong --db is one line, not a server that fails later.
        first = open_tm(options.db, create=options.allow_import)
        self.location = first.location
        first.close()
        self.address_family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
        self._workers: list[threading.Thread] = []  # none yet: a failed bind closes the server before they start
        self._jobs: queue.Queue[tuple[Any, Any] | None] = queue.Queue()
        try:
            super().__init__((options.host, options.port), _Handler)
        except OSError as err:
            raise UserError(f"cannot listen on {options.host}:{options.port}: {err.strerror or err}") from None
        host = str(self.server_address[0])
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.server_address[1]}/"
        self.loopback = is_loopback(options.host)
        self._local = threading.local()
        self._workers = [threading.Thread(target=self._work, name=f"tm-serve-{n}", daemon=True)
                         for n in range(max(1, options.workers))]
        for worker in self._workers:
            worker.start()

    def backend(self) -> TMBackend:
        """This worker thread's connection to the memory (opened on first use)."""
        from bilingual_pr.tm import open_tm

        found = getattr(self._local, "backend", None)
        if found is None:
            found = self._local.backend = open_tm(self.options.db, create=self.options.allow_import)
        return found

    def drop_backend(self) -> None:
        """Close this worker's connection (after a database error: the next request opens a fresh one)."""
        found = getattr(self._local, "backend", None)
        self._local.backend = None
        if found is not None:
            try:
                found.close()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is dropped anyway
                pass

    def process_request(self, request: Any, client_address: Any) -> None:
        """Hand the connection to a worker (the accepting thread goes back to accepting)."""
        self._jobs.put((request, client_address))

    def _work(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                request, address = job
                try:
                    self.finish_request(request, address)
                except Exception:  # noqa: BLE001 - one broken connection must not stop the worker
                    self.handle_error(request, address)
                finally:
                    self.shutdown_request(request)
        finally:
            self.drop_backend()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke outside a request's own handling: logged on the server."""
        if self.options.log is not None:
            self.options.log(f"{client_address[0]} connection error: {sys.exc_info()[1]!r}")

    def server_close(self) -> None:
        """Stop listening, let the workers finish what they hold, close their connections."""
        super().server_close()
        for _ in self._workers:
            self._jobs.put(None)
        deadline = time.monotonic() + 10  # requests under way get 10 s in all to finish
        for worker in self._workers:
            worker.join(timeout=max(0.0, deadline - time.monotonic()))

    def host_allowed(self, host_header: str | None) -> bool:
        """Whether a request's Host names this server (checked on loopback only: DNS rebinding)."""
        if not self.loopback:
            return True
        if not host_header:
            return False
        name = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
        name = name.strip("[]").lower()
        return name == "localhost" or name.endswith(".localhost") or _is_loopback_literal(name)


def serve(options: ServeOptions, ready: Callable[[TMServer], None] = lambda server: None) -> None:
    """Serve a memory until Ctrl-C (or a SIGTERM the caller turns into one), then stop cleanly.

    ``ready`` is called once the server listens (to print its URL); a wrong database or an
    address in use is a UserError before anything listens.
    """
    server = TMServer(options)
    try:
        ready(server)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _is_loopback_literal(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    """One connection's request: route, check, answer in JSON (or the page), log one line."""

    server: TMServer
    server_version = "bilingual-pr-tm"
    error_content_type = _JSON
    timeout = 15  # a client that stops sending frees its worker
    # Headers and body leave in two writes: with Nagle's algorithm the body waits for the client's
    # delayed ACK (measured on loopback: HTTP added 16-21 ms to a concordance with it, 7-8 ms without).
    disable_nagle_algorithm = True

    _ROUTES = {"/": ("GET",), "/api/search": ("GET",), "/api/concord": ("GET",), "/api/stats": ("GET",),
               "/api/import": ("POST",)}

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._answer("POST")

    def _answer(self, method: str) -> None:
        url = urlsplit(self.path)
        try:
            if not self.server.host_allowed(self.headers.get("Host")):
                raise ApiError(HTTPStatus.MISDIRECTED_REQUEST, "this server answers only to its loopback address")
            allowed = self._ROUTES.get(url.path)
            if allowed is None:
                raise ApiError(HTTPStatus.NOT_FOUND, f"no such page or endpoint: {url.path}")
            if method not in allowed:
                raise ApiError(HTTPStatus.METHOD_NOT_ALLOWED, f"{url.path} takes {' or '.join(allowed)}")
            if url.path == "/":
                self._send(HTTPStatus.OK, self._page(), "text/html; charset=utf-8")
                return
            body = self._body() if method == "POST" else b""
            self._send(HTTPStatus.OK, self._with_backend(url.path, url.query, body))
        except ApiError as err:
            self._send(err.status, {"error": str(err)})
        except Exception:  # noqa: BLE001 - a fault of ours: logged here, never a traceback to the client
            if self.server.options.log is not None:
                self.server.options.log(traceback.format_exc().rstrip())
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal error (see the server's log)"})

    def _with_backend(self, path: str, query: str, body: bytes) -> Any:
        # A read is tried again once on a fresh connection: a PostgreSQL server that restarted
        # since this worker connected costs no failed search. An import is not (its body is read).
        for attempt in (1, 2):
            try:
                backend = self.server.backend()
                if path == "/api/search":
                    return search_answer(backend, query)
                if path == "/api/concord":
                    return concord_answer(backend, query)
                if path == "/api/stats":
                    return stats_answer(backend, query)
                return import_answer(backend, query, body)
            except UserError as err:
                # The database failed (locked, gone, unreachable): a fresh connection next time.
                self.server.drop_backend()
                if attempt == 2 or path == "/api/import":
                    raise ApiError(HTTPStatus.SERVICE_UNAVAILABLE, str(err)) from None
            except ApiError:
                raise
            except Exception:
                self.server.drop_backend()
                raise
        raise AssertionError("unreachable")

    def _body(self) -> bytes:
        """An import's body, after the checks that keep a web page elsewhere from importing."""
        if not self.server.options.allow_import:
            raise ApiError(HTTPStatus.FORBIDDEN, "this server is read-only (start it with --allow-import)")
        origin = self.headers.get("Origin")
        if origin is not None and origin.rstrip("/") != f"http://{self.headers.get('Host', '')}":
            raise ApiError(HTTPStatus.FORBIDDEN, f"an import from another site ({origin}) is refused")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype in _FORM_TYPES:
            raise ApiError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                           f"Content-Type {ctype} is refused; send the file as application/octet-stream")
        if self.headers.get("Transfer-Encoding") or self.headers.get("Content-Length") is None:
            raise ApiError(HTTPStatus.LENGTH_REQUIRED, "send the file with a Content-Length")
        try:
            length = int(self.headers["Content-Length"])
        except ValueError:
            length = -1
        if length < 0:
            raise ApiError(HTTPStatus.BAD_REQUEST, "Content-Length is not a size")
        if length > self.server.options.max_upload:
            self.close_connection = True
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                           f"the file is {length} bytes; this server takes at most {self.server.options.max_upload}")
        data = self.rfile.read(length)
        if len(data) != length:
            raise ApiError(HTTPStatus.BAD_REQUEST, f"the body ended after {len(data)} of {length} bytes")
        return data

    def _page(self) -> str:
        from bilingual_pr import pages
        from bilingual_pr.language import SUPPORTED

        return pages.render("tm_serve.html.j2", languages=SUPPORTED)

    def _send(self, status: HTTPStatus, payload: Any, ctype: str = _JSON) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        data = (text + ("" if isinstance(payload, str) else "\n")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", ", ".join(self._ROUTES.get(urlsplit(self.path).path, ("GET",))))
        self.end_headers()
        self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (malformed request line, headers too long...) as one JSON line too."""
        self.close_connection = True
        try:
            status = HTTPStatus(code)
        except ValueError:
            status = HTTPStatus.BAD_REQUEST
        self._send(status, {"error": " ".join((message or status.phrase).split())})

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        """One line a request, to the server's log (none when ``log`` is None)."""
        if self.server.options.log is not None:
            self.server.options.log(f"{self.address_string()} {format % args}")
