"""`POST /oauth2/token`: the client-credentials grant, and bearer-token checks.

Rokt documents the request (Basic auth or form credentials, `grant_type=client_credentials`)
but not its responses, so replies and errors follow RFC 6749 (sections 5.1 and 5.2). The fake also
honours `grant_type=refresh_token` with the refresh token it hands out, since Rokt lists
a refresh endpoint and says refresh tokens live 60 minutes.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Mapping
from urllib.parse import parse_qs, unquote_plus

from rokt_braze.fake_rokt.clock import Clock
from rokt_braze.fake_rokt.replies import Reply, json_reply
from rokt_braze.fake_rokt.store import Store

REFRESH_LIFETIME = 3600
_NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))
_CHALLENGE = (("WWW-Authenticate", 'Basic realm="fake-rokt"'),)


def _error(
    status: int, error: str, description: str, extra: tuple[tuple[str, str], ...] = ()
) -> Reply:
    body = {"error": error, "error_description": description}
    return json_reply(status, body, _NO_STORE + extra)


def _basic_credentials(authorization: str) -> tuple[str, str] | None:
    """`Basic base64(id:secret)`; None when malformed."""
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    return (client_id, secret) if colon else None


class OAuth:
    """Issues and checks tokens for the configured clients (id -> secret)."""

    def __init__(self, store: Store, clients: Mapping[str, str], expires_in: int, clock: Clock):
        self._store = store
        self._clients = dict(clients)
        self._expires_in = expires_in
        self._clock = clock

    def token(self, authorization: str | None, body: str) -> Reply:
        form = parse_qs(body, keep_blank_values=True)
        if any(len(values) > 1 for values in form.values()):
            return _error(400, "invalid_request", "a parameter is repeated")
        fields = {key: values[0] for key, values in form.items()}
        if authorization and "client_secret" in fields:
            return _error(400, "invalid_request", "use one client authentication method")
        grant = fields.get("grant_type")
        if not grant:
            return _error(400, "invalid_request", "grant_type is missing")

        if authorization:
            credentials = _basic_credentials(authorization)
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
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self._store.token_client("access", token.strip(), self._clock())

    def _authenticate(self, credentials: tuple[str, str] | None) -> str | None:
        if credentials is None:
            return None
        client_id, secret = credentials
        # RFC 6749 (section 2.3.1) form-encodes both parts before Basic; most clients do not.
        for cid, sec in ((client_id, secret), (unquote_plus(client_id), unquote_plus(secret))):
            expected = self._clients.get(cid)
            if expected is not None and hmac.compare_digest(
                expected.encode("utf-8"), sec.encode("utf-8")
            ):
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
