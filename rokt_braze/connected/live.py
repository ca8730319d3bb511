"""The live transport: real HTTP with requests, under Braze's rules.

Braze gives a Connected Content call 2 seconds in all, refuses responses over 1 MB, does
not follow redirects, connects to ports 80 and 443 only, and allows GET and POST only.
What this module adds so that a reviewer can trust it:

* One URL, one host. A URL is parsed once, with urllib3's `parse_url` (the parser the
  HTTP client connects with), and the parsed scheme, host and port are what the
  allowlist sees; the request is then made from that parsed URL, and the prepared
  request is checked to name the same host and port. Anything two parsers could read two
  ways is refused: backslashes, userinfo (`user:pass@`), whitespace and control
  characters, schemes other than http and https, and ports other than 80 and 443 unless
  the user allowed the port (`--allow-host HOST:PORT` or `HOST:*`).
* Rewrites are exact. `--base-url FROM=TO` rewrites FROM's scheme, host and port (and
  path prefix); any other scheme or port of FROM's host is refused, never sent to the
  real host.
* Only the credentials the user named. The session ignores the environment: no
  `~/.netrc`, no proxy or CA bundle variables, unless `trust_env` (`--trust-env`) asks
  for proxies and a CA bundle (still never `.netrc`). Credentials named by
  `:basic_auth NAME` / `:auth_credentials NAME` come from environment variables.
* A deadline per call. A watchdog closes the call's socket when the budget runs out,
  so a server that trickles its headers or body cannot stretch a 2 s call (the DNS
  lookup, which has no socket to close, is timed on its own within the budget); every
  failure (timeout, refused, DNS, TLS, unknown charset, oversize, redirect, a refused
  URL, a header that cannot be sent) is a `CallFailed` with a one-line message.

This package is a leaf: messages never hold userinfo because such URLs are refused
before anything is printed.
"""

from __future__ import annotations

import codecs
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rokt_braze.connected.base import CallFailed, CallRequest, CallResponse

if TYPE_CHECKING:
    import requests
    from urllib3.util import Url

TIME_BUDGET = 2.0
MAX_BYTES = 1_000_000
USER_AGENT = "Braze Sender rokt-braze"
#: Braze connects to these ports only; others need `--allow-host HOST:PORT`.
BRAZE_PORTS = frozenset({80, 443})
DEFAULT_PORTS = {"http": 80, "https": 443}
ANY_PORT = -1

#: Whitespace, C0/C1 controls, DEL, and backslash: characters parsers disagree about.
_AMBIGUOUS = re.compile(r"[\x00-\x20\x7f-\x9f\\]")
#: HOST (a DNS name or IPv4), .DOMAIN or [IPv6], then :PORT or :* (any port).
_ALLOW_ENTRY = re.compile(r"(\[[0-9a-f:.]+\]|\.?[a-z0-9_-]+(?:\.[a-z0-9_-]+)*)(?::(\d{1,5}|\*))?")
#: Never printed raw from a server's answer (this package is a leaf; see rokt_braze.printable).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def credential_env_names(name: str) -> tuple[str, str]:
    """Default environment variables for credential NAME: ROKT_BRAZE_<NAME>_USERNAME/_PASSWORD."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()
    return f"ROKT_BRAZE_{stem}_USERNAME", f"ROKT_BRAZE_{stem}_PASSWORD"


@dataclass
class Credential:
    """Where a named credential's values live: environment variable names, not values."""

    username_env: str
    password_env: str = ""
    #: for `:auth_credentials`: header name -> environment variable holding its value
    headers_env: dict[str, str] = field(default_factory=dict)


# URLs: one parser, one answer


@dataclass(frozen=True)
class Place:
    """A parsed http(s) URL with its port made explicit: what a call connects to."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent
    url: str  # the normalised URL the request is made from

    @property
    def origin(self) -> str:
        default = DEFAULT_PORTS[self.scheme] == self.port
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}" + ("" if default else f":{self.port}")


def parse_place(url: str, *, what: str = "URL") -> Place:
    """Parse with the HTTP client's own parser; raise ValueError for anything ambiguous."""
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    bad = _AMBIGUOUS.search(url)
    if bad:
        char = bad.group()
        name = "a backslash" if char == "\\" else f"the character {char!r}"
        raise ValueError(f"{what} holds {name}; refused (parsers read such URLs differently)")
    try:
        parsed: Url = parse_url(url)
    except LocationParseError as err:
        raise ValueError(f"{what} is not a valid URL: {err}") from None
    scheme = (parsed.scheme or "").lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"{what} must be http:// or https:// (got {scheme or 'no'} scheme)")
    if parsed.auth is not None:
        raise ValueError(f"{what} carries userinfo (user:password@); refused - name a "
                         "credential with :basic_auth instead")
    if not parsed.host:
        raise ValueError(f"{what} has no host")
    host = parsed.host.lower().strip("[]")
    port = parsed.port if parsed.port is not None else DEFAULT_PORTS[scheme]
    path = parsed.request_uri
    place = Place(scheme, host, port, path, "")
    return Place(scheme, host, port, path, place.origin + path)


@dataclass(frozen=True)
class AllowedHost:
    """One allowlist entry: `HOST`, `.DOMAIN`, `HOST:PORT` or `HOST:*`."""

    host: str
    port: int | None = None  # None: Braze's 80/443; ANY_PORT: any

    @classmethod
    def parse(cls, text: str) -> AllowedHost:
        entry = text.strip().lower()
        port: int | None = None
        if not entry.isascii():  # an internationalised name: compare as the URL parser will
            with suppress(UnicodeError):
                entry = entry.encode("idna").decode("ascii")
        match = _ALLOW_ENTRY.fullmatch(entry)
        if not match or _AMBIGUOUS.search(entry) or "@" in entry or "/" in entry:
            raise ValueError(f"allowed host {text!r}: expected HOST, .DOMAIN, HOST:PORT or "
                             "HOST:*")
        host, port_text = match.group(1).strip("[]"), match.group(2)
        if port_text == "*":
            port = ANY_PORT
        elif port_text is not None:
            port = int(port_text)
            if not 0 < port < 65536:
                raise ValueError(f"allowed host {text!r}: port out of range")
        return cls(host, port)

    def admits(self, place: Place) -> bool:
        if self.host.startswith("."):
            host_ok = place.host.endswith(self.host) or place.host == self.host[1:]
        else:
            host_ok = place.host == self.host
        if not host_ok:
            return False
        if self.port is None:
            return place.port in BRAZE_PORTS
        return self.port in (ANY_PORT, place.port)


@dataclass(frozen=True)
class Rewrite:
    """`--base-url FROM=TO`: calls to FROM (scheme, host, port, path prefix) go to TO."""

    source: Place
    target: Place

    @classmethod
    def parse(cls, source: str, target: str) -> Rewrite:
        return cls(parse_place(source, what=f"base URL {source!r}"),
                   parse_place(target, what=f"base URL target {target!r}"))

    def apply(self, place: Place) -> Place | None:
        """The rewritten place, or None when `place` is not under the source."""
        src = self.source
        if (place.scheme, place.host, place.port) != (src.scheme, src.host, src.port):
            return None
        prefix = src.path.rstrip("/")
        rest = place.path
        if prefix:
            if not (rest == prefix or rest.startswith(prefix + "/") or
                    rest.startswith(prefix + "?")):
                return None
            rest = rest[len(prefix):]
        path = self.target.path.rstrip("/") + (rest if rest.startswith(("/", "?")) else "/" + rest)
        return parse_place(self.target.origin + path, what="rewritten URL")


def allowed_hosts(entries: Iterable[str]) -> tuple[AllowedHost, ...]:
    return tuple(AllowedHost.parse(e) for e in entries if e.strip())


def rewrites(base_urls: Mapping[str, str]) -> tuple[Rewrite, ...]:
    return tuple(Rewrite.parse(source, target) for source, target in base_urls.items())


def resolve(url: str, allow: Iterable[AllowedHost], rules: Iterable[Rewrite]) -> Place:
    """Where a call to `url` may go, or CallFailed: rewritten when a rewrite covers it,
    refused when its host is rewritten for another scheme or port, else allowlisted."""
    try:
        place = parse_place(url)
    except ValueError as err:
        raise CallFailed("bad-url", str(err)) from None
    rules = tuple(rules)
    for rule in rules:
        try:
            moved = rule.apply(place)
        except ValueError as err:
            raise CallFailed("bad-url", str(err)) from None
        if moved is not None:
            return moved
    covering = [r.source for r in rules if r.source.host == place.host]
    if covering:
        names = ", ".join(sorted({s.origin for s in covering}))
        raise CallFailed("not-allowed", f"{place.origin}{place.path}: only {names} is rewritten "
                         "by --base-url; this scheme or port of the same host is refused, not "
                         "sent to the real host")
    if any(entry.admits(place) for entry in allow):
        return place
    if place.port in BRAZE_PORTS:
        what, hint = f"host {place.host!r} is", place.host
    else:
        what = f"port {place.port} of host {place.host!r} (Braze connects to 80 and 443 only) is"
        hint = f"{place.host}:{place.port}"
    raise CallFailed("not-allowed", f"{place.origin}{place.path}: {what} not allowed (add "
                     f"--allow-host {hint} or allow-hosts in the config)")


# the deadline: a watchdog that closes the call's sockets


class _Deadline:
    """Shuts down every socket of one call when its time is up."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    @contextmanager
    def running(self) -> Iterator[_Deadline]:
        token = _CURRENT.set(self)
        self._timer.start()
        try:
            yield self
        finally:
            self._timer.cancel()
            _CURRENT.reset(token)


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


_CURRENT: ContextVar[_Deadline | None] = ContextVar("rokt_braze_live_deadline", default=None)


def _watched_session(trust_env: bool) -> requests.Session:
    """A session whose connections report their sockets to the running call's deadline,
    and which reads nothing from the environment."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def watching(base: type[Any]) -> type[Any]:
        class Watched(base):  # type: ignore[misc]
            def _new_conn(self) -> socket.socket:
                sock = super()._new_conn()
                deadline = _CURRENT.get()
                if deadline is not None:
                    deadline.watch(sock)
                return sock  # type: ignore[no-any-return]

            def request(self, *args: Any, **kwargs: Any) -> Any:
                deadline = _CURRENT.get()
                if deadline is not None:  # a kept-alive connection from an earlier call
                    deadline.watch(self.sock)
                return super().request(*args, **kwargs)

        return Watched

    class HTTPPool(HTTPConnectionPool):
        ConnectionCls = watching(HTTPConnection)

    class HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = watching(HTTPSConnection)

    pools = {"http": HTTPPool, "https": HTTPSPool}

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(proxy, **kwargs)
            manager.pool_classes_by_scheme = pools
            return manager

    session = requests.Session()
    session.trust_env = False  # no .netrc, proxies or CA bundles from the environment
    adapter = Adapter(max_retries=0)  # retries are Braze's :retry, counted by the tag
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass
class LiveTransport:
    """Real calls to allowed hosts. `allow_hosts` entries are `HOST`, `.DOMAIN`,
    `HOST:PORT` or `HOST:*`; `base_urls` maps FROM to TO origins; both raise ValueError
    when malformed. `trust_env` lets proxy and CA bundle variables apply."""

    allow_hosts: Iterable[str] = ()
    base_urls: Mapping[str, str] = field(default_factory=dict)
    credentials: Mapping[str, Credential] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    time_budget: float = TIME_BUDGET
    max_bytes: int = MAX_BYTES
    sleep: Callable[[float], None] = time.sleep
    trust_env: bool = False
    _session: requests.Session | None = field(default=None, repr=False)
    #: (method, url, body) -> (expiry on the monotonic clock, response); lives for the run
    _cache: dict[tuple[str, str, str], tuple[float, CallResponse]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        self._allow = allowed_hosts(self.allow_hosts)
        self._rewrites = rewrites(self.base_urls)

    def send(self, request: CallRequest) -> CallResponse:
        key = (request.method, request.url, request.body or "")
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return replace(cached[1], source="cache")  # an earlier message's answer
        response = replace(self._fetch(request), source="live")
        if request.cache_ttl and response.ok:
            self._cache[key] = (time.monotonic() + request.cache_ttl, response)
        return response

    def resolve(self, url: str) -> Place:
        """Where a call to `url` goes (rewritten), or CallFailed ("bad-url", "not-allowed")."""
        return resolve(url, self._allow, self._rewrites)

    def _fetch(self, request: CallRequest) -> CallResponse:
        place = self.resolve(request.url)
        headers = {"User-Agent": USER_AGENT, **request.headers}
        auth = self._basic(request.basic_auth) if request.basic_auth else None
        if request.auth_credentials:
            headers.update(self._token_headers(request.auth_credentials))
        what = f"{request.method} {place.origin}{place.path}"
        response = self.exchange(request.method, place, headers, request.body, auth=auth,
                                 budget=self.time_budget, max_bytes=self.max_bytes, what=what)
        if 300 <= response.status < 400:
            target = _CONTROLS.sub("?", response.headers.get("Location", "?"))[:200]
            raise CallFailed("redirect", f"{what} redirected to {target}: Braze does not follow "
                             "redirects")
        return response

    def exchange(
        self,
        method: str,
        place: Place,
        headers: Mapping[str, str],
        body: str | bytes | None,
        *,
        auth: tuple[str, str] | None = None,
        budget: float,
        max_bytes: int,
        what: str,
    ) -> CallResponse:
        """One HTTP exchange with `place` within `budget` seconds in all (connect,
        headers, body); raises CallFailed. Shared by connected_content and `send`."""
        import requests

        session = self._session or _watched_session(self.trust_env)
        self._session = session
        data = body.encode("utf-8") if isinstance(body, str) else body
        # credentials as UTF-8 bytes (RFC 7617); requests would try latin-1 and crash
        creds = None if auth is None else (auth[0].encode("utf-8"), auth[1].encode("utf-8"))
        bad = _unsendable_header(headers)
        if bad:
            raise CallFailed("bad-request", f"{what}: header {bad!r} cannot be sent (a control "
                             "character or line break, or a character outside Latin-1)")
        try:
            prepared = session.prepare_request(
                requests.Request(method, place.url, headers=dict(headers), data=data, auth=creds)
            )
        except (requests.RequestException, ValueError):  # no value in the message: secrets
            raise CallFailed("bad-request", f"{what}: the request cannot be prepared") from None
        self._same_place(prepared.url or "", place, what)
        settings: dict[str, Any] = {}
        if self.trust_env:
            settings["proxies"] = requests.utils.get_environ_proxies(place.url)
            ca = self.environ.get("REQUESTS_CA_BUNDLE") or self.environ.get("CURL_CA_BUNDLE")
            if ca:
                settings["verify"] = ca
        started = time.monotonic()
        if not settings.get("proxies"):  # through a proxy, the proxy looks the name up
            _look_up(place, budget, what)
        deadline = _Deadline(budget - (time.monotonic() - started))
        try:
            with deadline.running(), session.send(
                prepared, timeout=(budget, budget), allow_redirects=False, stream=True,
                **settings,
            ) as response:
                raw = self._read(response, deadline, budget, max_bytes, what)
                status, reply_headers = response.status_code, dict(response.headers)
                encoding = response.encoding
        except CallFailed:
            raise
        except (requests.RequestException, OSError) as err:
            if deadline.expired:
                self._forget_session()
                raise self._late(what, budget) from None
            if isinstance(err, requests.Timeout):
                raise self._late(what, budget) from None
            raise CallFailed("connection", f"{what}: {failure_reason(err)}") from None
        if deadline.expired:
            self._forget_session()
            raise self._late(what, budget)
        return CallResponse(status, _decode(raw, encoding, what), reply_headers)

    @staticmethod
    def _same_place(prepared_url: str, place: Place, what: str) -> None:
        """The client must connect where the allowlist looked; refuse if it would not."""
        try:
            again = parse_place(prepared_url)
        except ValueError:
            again = None
        if again is None or (again.scheme, again.host, again.port) != (
                place.scheme, place.host, place.port):
            raise CallFailed("bad-url", f"{what}: the HTTP client reads this URL as another "
                             "host; refused")

    def _forget_session(self) -> None:
        """Connections a deadline shut down are not reused."""
        if self._session is not None:
            self._session.close()
            self._session = None

    @staticmethod
    def _late(what: str, budget: float) -> CallFailed:
        return CallFailed("timeout", f"{what} took longer than {budget:g} s (Braze's limit)")

    def _read(self, response: requests.Response, deadline: _Deadline, budget: float,
              max_bytes: int, what: str) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise CallFailed("too-large", f"{what}: response over {_size(max_bytes)} "
                             "(Braze's limit)")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(16384):
            size += len(chunk)
            if size > max_bytes:
                raise CallFailed("too-large", f"{what}: response over {_size(max_bytes)} "
                                 "(Braze's limit)")
            if deadline.expired:
                raise self._late(what, budget)
            chunks.append(chunk)
        return b"".join(chunks)

    def backoff(self, attempt: int) -> None:
        """Exponential backoff between :retry attempts (short: this is a test bench)."""
        self.sleep(min(0.05 * 2 ** (attempt - 1), 0.8))

    def _basic(self, name: str) -> tuple[str, str]:
        cred = self.credentials.get(name) or Credential(*credential_env_names(name))
        user = self.environ.get(cred.username_env)
        password = self.environ.get(cred.password_env, "") if cred.password_env else ""
        if user is None:
            raise CallFailed(
                "credentials",
                f"credential {name!r} is not set: export {cred.username_env} and "
                f"{cred.password_env or '(no password variable)'}",
            )
        return user, password

    def _token_headers(self, name: str) -> dict[str, str]:
        cred = self.credentials.get(name)
        if cred is None or not cred.headers_env:
            raise CallFailed("credentials", f"auth credential {name!r} is not configured "
                             "(credentials table in the config)")
        out = {}
        for header, env in cred.headers_env.items():
            if env not in self.environ:
                raise CallFailed("credentials", f"auth credential {name!r}: export {env}")
            out[header] = self.environ[env]
        return out


def _look_up(place: Place, budget: float, what: str) -> None:
    """Resolve the host within the budget: the socket watchdog cannot interrupt a DNS
    lookup (there is no socket yet), so a hanging resolver is timed here."""
    failed: list[OSError] = []

    def look_up() -> None:
        try:
            socket.getaddrinfo(place.host, place.port, type=socket.SOCK_STREAM)
        except OSError as err:
            failed.append(err)

    worker = threading.Thread(target=look_up, name="dns-lookup", daemon=True)
    worker.start()
    worker.join(budget)
    if worker.is_alive():
        raise CallFailed("timeout", f"{what}: the DNS lookup took longer than {budget:g} s "
                         "(Braze's limit)")
    if failed:
        raise CallFailed("connection", f"{what}: unknown host (DNS lookup failed)")


def _unsendable_header(headers: Mapping[str, str]) -> str | None:
    """The first header whose name or value HTTP cannot carry as given, or None."""
    for name, value in headers.items():
        if _CONTROLS.search(name) or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
            return _CONTROLS.sub("?", name)
        if re.search(r"[\x00-\x08\x0a-\x1f\x7f]", value):
            return name
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            return name
    return None


def _size(limit: int) -> str:
    return f"{limit // 1_000_000} MB" if limit % 1_000_000 == 0 else f"{limit} bytes"


def _decode(raw: bytes, encoding: str | None, what: str) -> str:
    """The body as text in its declared charset; an unknown or non-text charset is a
    failure of the call, not a crash."""
    name = encoding or "utf-8"
    try:
        codecs.lookup(name)
        return raw.decode(name, "replace")
    except (LookupError, UnicodeError, TypeError, ValueError):
        shown = re.sub(r"[^\x21-\x7e]", "?", name)[:40]
        raise CallFailed("charset", f"{what}: the response declares charset {shown!r}, which "
                         "is not a known text encoding") from None


def failure_reason(err: BaseException) -> str:
    """A one-line reason for a failed connection, from the exception chain."""
    import ssl

    chain: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
        if current is None and chain[-1].args and isinstance(chain[-1].args[-1], BaseException):
            current = chain[-1].args[-1]
    text = " ".join(str(e) for e in chain)
    if any(isinstance(e, ssl.SSLError) for e in chain) or "SSL" in text or "CERTIFICATE" in text:
        return "TLS handshake failed (certificate or protocol)"
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "Connection refused" in text:
        return "connection refused (is the server running?)"
    if any(isinstance(e, socket.gaierror) for e in chain) or "resolve" in text.lower() or \
            "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host (DNS lookup failed)"
    if "RemoteDisconnected" in text or "Connection aborted" in text or "reset" in text:
        return "the server closed the connection without an answer"
    last = str(err).split(":", 1)[-1].strip()
    return _CONTROLS.sub("?", last)[:160] or type(err).__name__
