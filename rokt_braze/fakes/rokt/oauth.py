"""`POST /oauth2/token`: the client-credentials grant, and bearer-token checks.

Rokt documents the request (Basic auth or form credentials, `grant_type=client_credentials`)
but not its responses, so replies and errors follow RFC 6749 (sections 5.1 and 5.2). The fake also
honours `grant_type=refresh_token` with the refresh token it hands out, since Rokt lists
a refresh endpoint and says refresh tokens live 60 minutes.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from urllib.parse import unquote_plus

from rokt_braze.fakes.core import (
    Clock,
    Reply,
    basic_credentials,
    bearer_token,
    json_reply,
    same_secret,
)
from rokt_braze.fakes.rokt.store import Store

REFRESH_LIFETIME = 3600
_NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))
_CHALLENGE = (("WWW-Authenticate", 'Basic realm="fake-rokt"'),)


def _error(
    status: int, error: str, description: str, extra: tuple[tuple[str, str], ...] = ()
) -> Reply:
    body = {"error": error, "error_description": description}
    return json_reply(status, body, _NO_STORE + extra)


class OAuth:
    """Issues and checks tokens for the configured clients (id -> secret)."""

    def __init__(self, store: Store, clients: Mapping[str, str], expires_in: int, clock: Clock):
        self._store = store
        self._clients = dict(clients)
        self._expires_in = expires_in
        self._clock = clock

    def token(self, authorization: str | None, form: Sequence[tuple[str, str]]) -> Reply:
        """Answer a token request; a 401 reply means the client failed to authenticate."""
        fields = dict(form)
        if len(fields) != len(form):
            return _error(400, "invalid_request", "a parameter is repeated")
        if authorization and "client_secret" in fields:
            return _error(400, "invalid_request", "use one client authentication method")
        grant = fields.get("grant_type")
        if not grant:
            return _error(400, "invalid_request", "grant_type is missing")

        if authorization:
            credentials = basic_credentials(authorization)
        elif "client_id" in fields:
            credentials = (fields["client_id"], fields.get("client_secret", ""))
        else:
            credentials = None
        client = self._authenticate(credentials)
        if client is None:
            return _error(401, "invalid_client", "client authentication failed", _CHALLENGE)

        if grant == "client_credentials":
            return self._issue(client)
        if grant == "refresh_token":
            return self._refresh(client, fields.get("refresh_token", ""))
        return _error(400, "unsupported_grant_type", "only client_credentials is supported")

    def bearer_client(self, authorization: str | None) -> str | None:
        """The client behind a live `Bearer` token, or None (missing, unknown, expired)."""
        token = bearer_token(authorization)
        if token is None:
            return None
        return self._store.token_client("access", token, self._clock())

    def _authenticate(self, credentials: tuple[str, str] | None) -> str | None:
        if credentials is None:
            return None
        client_id, secret = credentials
        # RFC 6749 (section 2.3.1) form-encodes both parts before Basic; most clients do not.
        for cid, sec in ((client_id, secret), (unquote_plus(client_id), unquote_plus(secret))):
            expected = self._clients.get(cid)
            if expected is not None and same_secret(sec, expected):
                return cid
        return None

    def _issue(self, client: str) -> Reply:
        now = self._clock()
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._store.add_token("access", access, client, now, self._expires_in)
        self._store.add_token("refresh", refresh, client, now, REFRESH_LIFETIME)
        body = {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self._expires_in,
            "refresh_token": refresh,
        }
        return json_reply(200, body, _NO_STORE)

    def _refresh(self, client: str, refresh_token: str) -> Reply:
        owner = self._store.token_client("refresh", refresh_token, self._clock())
        if owner != client:
            return _error(400, "invalid_grant", "refresh token unknown, expired or not yours")
        self._store.delete_token(refresh_token)
        return self._issue(client)
