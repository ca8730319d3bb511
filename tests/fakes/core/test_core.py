"""The fakes' server core over real sockets: framing, limits, deadlines, errors, logs.

Each test names the probe it answers; a small app stands in for a fake.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from polling import eventually

from rokt_braze.fakes.core import (
    App,
    FailedAuthLimiter,
    HttpError,
    HttpServer,
    Limits,
    ManualClock,
    Reply,
    Request,
    Route,
    clean_line,
    json_reply,
)
from rokt_braze.fakes.core.jsonbody import UnsafeJson, loads

from .rawhttp import address, exchange, json_of, read_all, read_response, status_of

SLOW = threading.Event()
MAX_BODY = 300_000


def echo(request: Request) -> Reply:
    return json_reply(200, {"json": request.json, "params": list(request.params)})


def slow(request: Request) -> Reply:
    SLOW.wait(5)
    return json_reply(200, {})


def refuse(request: Request) -> None:
    if request.header("authorization") != "Bearer ok":
        raise HttpError(401, "Unauthorized", "no")


def boom(request: Request) -> Reply:
    raise RuntimeError("a bug")


ROUTES = [
    Route("GET", r"/ping", lambda r: json_reply(200, {"pong": True})),
    Route("POST", r"/items/([^/]+)", echo, body="json"),
    Route("POST", r"/form", lambda r: json_reply(200, dict(r.form)), body="form"),
    Route("POST", r"/guarded", echo, body="json", guard=refuse),
    Route("GET", r"/slow", slow),
    Route("GET", r"/boom", boom),
]


def serve(limits: Limits | None = None, log: list[str] | None = None) -> HttpServer:
    app = App(ROUTES, limits=limits or Limits(max_body=MAX_BODY),
              log=None if log is None else log.append)
    server = HttpServer(app)
    server.start()
    return server


@pytest.fixture
def lines() -> list[str]:
    return []


@pytest.fixture
def base(lines: list[str]) -> Iterator[str]:
    server = serve(log=lines)
    try:
        yield server.base_url
    finally:
        server.stop()


def post(
    base: str, path: str, body: bytes, content_type: str = "application/json"
) -> requests.Response:
    return requests.post(base + path, data=body, headers={"Content-Type": content_type}, timeout=5)


def test_json_route_round_trip_and_percent_decoded_params(base: str) -> None:
    reply = post(base, "/items/a%2Fb", b'{"x": [1, 2.5, "\\u00e9"]}')
    assert reply.status_code == 200
    assert reply.json() == {"json": {"x": [1, 2.5, "é"]}, "params": ["a/b"]}


def test_keep_alive_serves_two_requests_on_one_connection(base: str) -> None:
    with socket.create_connection(address(base), timeout=5) as sock:
        for _ in range(2):
            sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
            response = read_response(sock)
            assert status_of(response) == 200
            assert json_of(response) == {"pong": True}


@pytest.mark.parametrize(
    "raw",
    [
        b"POST /items/a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
        b"POST /items/a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}",
        b"POST /items/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"GET /ping\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /ping HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
    ],
    ids=["non-numeric-length", "conflicting-lengths", "bad-chunk", "control-in-target",
         "space-in-header-name"],
)
def test_bad_framing_is_a_json_400_and_the_connection_closes(base: str, raw: bytes) -> None:
    response = exchange(base, raw)
    assert status_of(response) == 400
    assert json_of(response)["error"] == "BadRequest"
    assert b"connection: close" in response.lower()


def test_truncated_body_is_never_handled(base: str, lines: list[str]) -> None:
    with socket.create_connection(address(base), timeout=5) as sock:
        sock.sendall(b"POST /items/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"half\": ")
        sock.shutdown(socket.SHUT_WR)
        assert read_all(sock) == b""
    eventually(lambda: any("went away" in line for line in lines), "the 'went away' log line")
    assert not any(line.endswith(" 200") for line in lines)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
        (b"[" * 65 + b"]" * 65, "nested deeper"),
        (b'{"n": ' + b"9" * 5001 + b"}", "digits"),
        (b'{"n": 1e999}', "out of range"),
        (b'{"n": NaN}', "not JSON"),
        (b'{"t": "a\\ud800b"}', "lone surrogate"),
        (b'{"\\udfff": 1}', "lone surrogate"),
        (b'\xff{"a": 1}', "not UTF-8"),
        (b'{"a": ', "not valid JSON"),
    ],
    ids=["100k-nested", "65-nested", "5001-digits", "1e999", "nan", "lone-surrogate",
         "surrogate-key", "not-utf8", "truncated-json"],
)
def test_bodies_json_cannot_safely_hold_get_400(base: str, body: bytes, words: str) -> None:
    reply = post(base, "/items/a", body)
    assert reply.status_code == 400, reply.text
    assert words in reply.json()["message"]


def test_64_levels_are_fine(base: str) -> None:
    assert post(base, "/items/a", b"[" * 64 + b"]" * 64).status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_json_route_refuses_other_content_types_with_415(base: str, content_type: str) -> None:
    body = b'{"a": 1}'
    headers = {"Content-Type": content_type} if content_type else {}
    reply = requests.post(base + "/items/a", data=body, headers=headers, timeout=5)
    assert reply.status_code == 415
    assert reply.json()["error"] == "UnsupportedMediaType"


def test_json_with_charset_and_vendor_json_are_accepted(base: str) -> None:
    assert post(base, "/items/a", b"{}", "application/json; charset=utf-8").status_code == 200
    assert post(base, "/items/a", b"{}", "application/vnd.x+json").status_code == 200


def test_form_route_needs_a_form(base: str) -> None:
    assert post(base, "/form", b"a=1&b=2", "application/x-www-form-urlencoded").json() == {
        "a": "1", "b": "2"}
    assert post(base, "/form", b'{"a": 1}').status_code == 415


@pytest.mark.parametrize("size", [MAX_BODY + 1, 5_000_000, 12_000_000])
def test_a_client_sending_a_big_body_reads_the_413_not_a_reset(base: str, size: int) -> None:
    """The rest of the body is drained before the answer, so the sender is not reset."""
    for _ in range(3):
        reply = post(base, "/items/a", b"[" + b"1" * (size - 2) + b"]")
        assert reply.status_code == 413
        assert reply.json()["error"] == "PayloadTooLarge"


def test_a_body_too_big_even_to_drain_is_refused_by_its_length() -> None:
    server = serve(Limits(max_body=1000, drain=1000))
    try:
        raw = (b"POST /items/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: 999999999\r\n\r\n")
        response = exchange(server.base_url, raw)
        assert status_of(response) == 413
        assert b"connection: close" in response.lower()
    finally:
        server.stop()


def test_body_over_the_limit_is_413_by_length_or_while_reading(base: str) -> None:
    assert post(base, "/items/a", b"[" + b"1," * MAX_BODY + b"1]").status_code == 413

    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(MAX_BODY // 1000):
            yield b"1," * 1000
        yield b"1]"

    reply = requests.post(base + "/items/a", data=chunks(),
                          headers={"Content-Type": "application/json"}, timeout=5)
    assert reply.status_code == 413


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PUT", "PATCH", "CONNECT", "BREW"])
def test_other_methods_get_a_json_405_with_allow(base: str, method: str) -> None:
    target = b"x:1" if method == "CONNECT" else b"/ping"
    response = exchange(base, method.encode() + b" " + target + b" HTTP/1.1\r\nHost: x\r\n"
                        b"Connection: close\r\n\r\n")
    assert status_of(response) == 405
    assert json_of(response)["error"] == "MethodNotAllowed"
    assert b"allow: " in response.lower()


def test_wrong_method_on_a_known_path_names_its_methods(base: str) -> None:
    reply = requests.delete(base + "/ping", timeout=5)
    assert reply.status_code == 405 and reply.headers["Allow"] == "GET"
    assert requests.get(base + "/nowhere", timeout=5).status_code == 404


def test_guard_runs_before_the_body_is_read(base: str) -> None:
    reply = post(base, "/guarded", b"not json", "text/plain")
    assert reply.status_code == 401  # not 415 or 400: nothing is said about the body
    ok = requests.post(base + "/guarded", data=b"{}", timeout=5,
                       headers={"Content-Type": "application/json", "Authorization": "Bearer ok"})
    assert ok.status_code == 200


def test_a_handler_bug_is_a_json_500_and_the_server_goes_on(base: str, lines: list[str]) -> None:
    reply = requests.get(base + "/boom", timeout=5)
    assert reply.status_code == 500 and reply.json()["error"] == "InternalServerError"
    assert requests.get(base + "/ping", timeout=5).status_code == 200
    assert any("RuntimeError: a bug" in line for line in lines)


def test_a_client_trickling_its_headers_gets_408_at_the_deadline() -> None:
    server = serve(Limits(request_deadline=0.5))
    try:
        headers = b"GET /ping HTTP/1.1\r\nHost: x\r\n" * 2  # 3 s at one byte per 0.1 s
        sent = 0
        with socket.create_connection(address(server.base_url), timeout=5) as sock:
            for byte in headers:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    break
                sent += 1
                time.sleep(0.1)
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered: stop trickling
            response = read_all(sock)
        assert status_of(response) == 408
        assert json_of(response)["error"] == "RequestTimeout"
        assert sent < len(headers)  # answered before the headers were complete
    finally:
        server.stop()


def test_a_client_that_connects_and_sends_nothing_is_dropped() -> None:
    server = serve(Limits(request_deadline=0.3))
    try:
        with socket.create_connection(address(server.base_url), timeout=5) as sock:
            assert status_of(read_all(sock)) == 408
    finally:
        server.stop()


def test_a_slow_handler_is_answered_503_at_the_deadline() -> None:
    server = serve(Limits(request_deadline=0.5))
    SLOW.clear()
    try:
        reply = requests.get(server.base_url + "/slow", timeout=5)
        assert reply.status_code in (503, 408)
        assert reply.headers["Content-Type"] == "application/json"
    finally:
        SLOW.set()
        server.stop()


def test_connections_beyond_the_cap_get_a_json_503() -> None:
    server = serve(Limits(max_connections=2))
    try:
        held = [socket.create_connection(address(server.base_url), timeout=5) for _ in range(2)]
        time.sleep(0.1)
        response = exchange(server.base_url, b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status_of(response) == 503
        assert json_of(response)["error"] == "ServiceUnavailable"
        for sock in held:
            sock.close()
        eventually(lambda: requests.get(server.base_url + "/ping", timeout=5).status_code == 200,
                   "a 200 once the server has seen the held connections close")
    finally:
        server.stop()


def test_listen_backlog_queues_hundreds_of_connections() -> None:
    """Bound but not yet serving: the kernel queue alone must hold 300 connects
    (a backlog of 5 refuses or stalls after a handful)."""
    server = HttpServer(App(ROUTES))
    server.bind()
    clients: list[socket.socket] = []
    try:
        for _ in range(300):
            clients.append(socket.create_connection(address(server.base_url), timeout=0.5))
        server.start()
        clients[0].sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status_of(read_all(clients[0])) == 200
    finally:
        for sock in clients:
            sock.close()
        server.stop()


def test_log_lines_escape_control_characters_and_redact(base: str, lines: list[str]) -> None:
    requests.get(base + "/nowhere%1b%5b31m%00?access_token=abc123&x=%07", timeout=5)
    [line] = lines
    assert "abc123" not in line
    assert not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in line)
    assert clean_line("a\x1b[31mb\x00c\x7f\u202e") == "a\\x1b[31mb\\x00c\\x7f\\u202e"


def test_stop_is_idempotent_and_closes_the_port() -> None:
    server = serve()
    requests.get(server.base_url + "/ping", timeout=5)
    host, port = address(server.base_url)
    server.stop()
    server.stop()
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=1).close()


def test_port_in_use_is_an_oserror_at_bind() -> None:
    first = serve()
    try:
        host, port = address(first.base_url)
        with pytest.raises(OSError):
            HttpServer(App(ROUTES), host, port).bind()
    finally:
        first.stop()


def test_failed_auth_limiter_window() -> None:
    clock = ManualClock(0)
    limiter = FailedAuthLimiter(max_failures=3, window=60, clock=clock)
    for _ in range(3):
        assert limiter.retry_after("1.2.3.4") is None
        limiter.failed("1.2.3.4")
    assert limiter.retry_after("1.2.3.4") == 60
    assert limiter.retry_after("5.6.7.8") is None  # per client
    clock.advance(30)
    assert limiter.retry_after("1.2.3.4") == 30
    clock.advance(30)
    assert limiter.retry_after("1.2.3.4") is None


def test_jsonbody_accepts_ordinary_json() -> None:
    assert loads(b'{"a": [1, -2.5e3, true, null, "\\ud83d\\ude00"]}') == {
        "a": [1, -2500.0, True, None, "😀"]}
    with pytest.raises(UnsafeJson):
        loads(json.dumps({"a": "x" * 10}).encode() + b"x")
