"""The shared server core of the fakes (the fake Rokt today, the fake Braze next).

A fake is a list of routes with plain handler functions, an error shape, and a store;
the core does the HTTP. Its API, all importable from `rokt_braze.fakes.core`:

Serving
    `Route(method, pattern, handler, body="none"|"json"|"form")` - `pattern` is a regex
    matched against the whole raw path, its groups become `request.params`
    (percent-decoded). `handler(request: Request) -> Reply` runs in a thread pool.
    `App(routes, limits=Limits(), error=ERROR_REPLY, log=print_line, on_reply=record)` -
    the ASGI app; `error(status, code, reason, headers) -> Reply` shapes every error the
    core answers (Rokt: `{"Code", "Reason"}`; Braze: `{"message", "errors"}`).
    `HttpServer(app, host, port)` - `.bind()` (raises OSError), `.start()` /
    `.stop()` (background thread, for tests), `.serve_forever()` (the CLI),
    `.base_url`. `Service` - the base class of a fake: `bind`, `start`, `stop`,
    `serve_forever`, `with`, `base_url`; hooks `_start_workers`, `_stop_workers`,
    `_close`.

Requests and replies
    `Request` - `method, path, query, headers, body, client, params, json, form`,
    `.header(name)`. `Reply(status, body=b"", content_type=..., headers=())`,
    `json_reply(status, payload, headers)`. A handler raises
    `HttpError(status, code, reason, headers)` to refuse in the fake's error shape.

What the core guarantees before a handler runs (see `http` and `server`)
    404 / JSON 405 with `Allow` (OPTIONS, TRACE and other unknown methods included);
    413 over `Limits.max_body`; 415 for a non-JSON body on a JSON route (non-form on a
    form route); 400 for JSON that `jsonbody` refuses (deep nesting, huge numbers, lone
    surrogates, NaN); 400 for bad framing (h11); 408 past the whole-request deadline;
    503 beyond `Limits.max_connections`; truncated bodies are never handled.

Auth (`auth`)
    `same_secret(given, expected)` (constant time), `basic_credentials(header)`,
    `bearer_token(header)`, `FailedAuthLimiter(max_failures, window, clock)` with
    `.retry_after(client)` -> seconds or None (answer 429 + `Retry-After`) and
    `.failed(client)`.

Logs and records (`logs`)
    `clean_line(text)` (secrets redacted, control characters escaped) is applied to
    every line the app logs; `escape_controls(text)`. What a fake records goes through
    `rokt_braze.secrets` (`redact_header`, `redact_form`, `redact_params`).

Storage (`sqlite`)
    `Database(path | None, schema=SQL, version=N, migrations={n: SQL})` with
    `.transaction()` (a locked, committed-or-rolled-back connection) and `.close()`;
    file databases are WAL + `synchronous=FULL`: an acknowledged write survives kill -9.

Time (`clock`)
    `Clock` (a `time.time`-like callable), `ManualClock` for tests.

Needs the optional `fake` extra (uvicorn, h11); importing this package does not import
uvicorn until a server is made.
"""

from rokt_braze.fakes.core.auth import (
    FailedAuthLimiter,
    basic_credentials,
    bearer_token,
    same_secret,
)
from rokt_braze.fakes.core.clock import Clock, ManualClock
from rokt_braze.fakes.core.http import (
    App,
    ErrorReply,
    Headers,
    HttpError,
    Limits,
    Reply,
    Request,
    Route,
    default_error,
    json_reply,
)
from rokt_braze.fakes.core.logs import clean_line, escape_controls
from rokt_braze.fakes.core.server import HttpServer
from rokt_braze.fakes.core.service import Service
from rokt_braze.fakes.core.sqlite import Database

__all__ = [
    "App",
    "Clock",
    "Database",
    "ErrorReply",
    "FailedAuthLimiter",
    "Headers",
    "HttpError",
    "HttpServer",
    "Limits",
    "ManualClock",
    "Reply",
    "Request",
    "Route",
    "Service",
    "basic_credentials",
    "bearer_token",
    "clean_line",
    "default_error",
    "escape_controls",
    "json_reply",
    "same_secret",
]
