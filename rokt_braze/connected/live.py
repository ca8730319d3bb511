"""The live transport: real HTTP with requests, under Braze's rules.

Braze gives a Connected Content call 2 seconds, refuses responses over 1 MB, does not
follow redirects and allows GET and POST only (Braze's Connected Content docs). Calls
go only to hosts the user allowed; `base_urls` rewrites origins so traffic meant for
`https://api.roktcalendar.com` can go to a local fake. Credentials named by
`:basic_auth NAME` / `:auth_credentials NAME` come from environment variables, never
from files, and are never logged.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rokt_braze.connected.base import CallFailed, CallRequest, CallResponse

if TYPE_CHECKING:
    import requests

TIME_BUDGET = 2.0
MAX_BYTES = 1_000_000
USER_AGENT = "Braze Sender rokt-braze"


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


@dataclass
class LiveTransport:
    allow_hosts: frozenset[str] = frozenset()
    base_urls: Mapping[str, str] = field(default_factory=dict)
    credentials: Mapping[str, Credential] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    time_budget: float = TIME_BUDGET
    max_bytes: int = MAX_BYTES
    sleep: Callable[[float], None] = time.sleep
    _session: requests.Session | None = field(default=None, repr=False)
    #: (method, url, body) -> (expiry on the monotonic clock, response); lives for the run
    _cache: dict[tuple[str, str, str], tuple[float, CallResponse]] = field(
        default_factory=dict, repr=False
    )

    def send(self, request: CallRequest) -> CallResponse:
        key = (request.method, request.url, request.body or "")
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        response = self._fetch(request)
        if request.cache_ttl and response.ok:
            self._cache[key] = (time.monotonic() + request.cache_ttl, response)
        return response

    def _fetch(self, request: CallRequest) -> CallResponse:
        import requests

        host = urlsplit(request.url).hostname or ""
        if not self._allowed(host):
            raise CallFailed(
                "not-allowed",
                f"{request.method} {request.url}: host {host!r} is not allowed "
                "(add --allow-host or allow-hosts in the config)",
            )
        url = self._rewrite(request.url)
        if urlsplit(url).scheme not in ("http", "https"):
            raise CallFailed("connection", f"{request.url}: only http and https are allowed")
        headers = {"User-Agent": USER_AGENT, **request.headers}
        auth = None
        if request.basic_auth:
            auth = self._basic(request.basic_auth)
        if request.auth_credentials:
            headers.update(self._token_headers(request.auth_credentials))
        session = self._session or requests.Session()
        self._session = session
        started = time.monotonic()
        try:
            with session.request(
                request.method, url, headers=headers, data=request.body, auth=auth,
                timeout=self.time_budget, allow_redirects=False, stream=True,
            ) as response:
                body = self._read(response, started, request)
                if 300 <= response.status_code < 400:
                    target = response.headers.get("Location", "?")
                    raise CallFailed("redirect", f"{request.method} {request.url} redirected to "
                                     f"{target}: Braze does not follow redirects")
                return CallResponse(response.status_code, body, dict(response.headers))
        except requests.Timeout:
            raise CallFailed("timeout", f"{request.method} {request.url} took longer than "
                             f"{self.time_budget:g} s (Braze's limit)") from None
        except requests.ConnectionError as err:
            reason = failure_reason(err)
            raise CallFailed("connection", f"{request.method} {request.url}: {reason}") from None
        except requests.RequestException as err:
            reason = failure_reason(err)
            raise CallFailed("connection", f"{request.method} {request.url}: {reason}") from None

    def backoff(self, attempt: int) -> None:
        """Exponential backoff between :retry attempts (short: this is a test bench)."""
        self.sleep(min(0.05 * 2 ** (attempt - 1), 0.8))

    def _allowed(self, host: str) -> bool:
        return any(host == h or (h.startswith(".") and host.endswith(h)) for h in self.allow_hosts)

    def _rewrite(self, url: str) -> str:
        for origin, replacement in self.base_urls.items():
            if url == origin or url.startswith(origin.rstrip("/") + "/"):
                return replacement.rstrip("/") + url[len(origin.rstrip("/")):]
        return url

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

    def _read(self, response: requests.Response, started: float, request: CallRequest) -> str:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(16384):
            size += len(chunk)
            if size > self.max_bytes:
                raise CallFailed("too-large", f"{request.method} {request.url}: response over "
                                 f"{self.max_bytes // 1_000_000} MB (Braze's limit)")
            if time.monotonic() - started > self.time_budget:
                raise CallFailed("timeout", f"{request.method} {request.url} took longer than "
                                 f"{self.time_budget:g} s (Braze's limit)")
            chunks.append(chunk)
        return b"".join(chunks).decode(response.encoding or "utf-8", "replace")


def failure_reason(err: Exception) -> str:
    text = str(err)
    if "Connection refused" in text or "NewConnectionError" in text:
        return "connection refused (is the server running?)"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host"
    return text.split(":", 1)[-1].strip()[:160] or type(err).__name__
