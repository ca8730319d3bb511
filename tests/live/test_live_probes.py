"""Live mode as a security reviewer probes it, against loopback servers only.

One URL, one host; only the credentials the user named; Braze's 2 s for the whole call;
every failure a finding or an error line (never silence, never exit 3); `send` and
`--base-url` under the same rules; options checked before any work.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rokt_braze.cli import main
from rokt_braze.connected import CallFailed, CallRequest
from rokt_braze.connected.live import LiveTransport
from rokt_braze.report import FORMATS

PASSWORD = "hunter2-Pa55"


@dataclass
class Loopback:
    """A raw-socket HTTP server; `replies` maps a path to a function writing the answer."""

    replies: dict[str, Callable[[socket.socket], None]]
    requests: list[bytes] = field(default_factory=list)
    sock: socket.socket = field(default_factory=socket.socket)

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.split(b" ")[1] == path.encode())

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                    if not data[:1].isupper():  # not HTTP (a TLS hello): answer in plain text
                        _answer("400 Bad Request", b"")(conn)
                        return
                self.requests.append(data)
                path = data.split(b" ")[1].decode()
                self.replies.get(path, _json({"ok": True}))(conn)
            except OSError:
                pass


def _answer(status: str, body: bytes, content_type: str = "application/json",
            extra: str = "") -> Callable[[socket.socket], None]:
    def write(conn: socket.socket) -> None:
        conn.sendall(f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: "
                     f"{len(body)}\r\n{extra}Connection: close\r\n\r\n".encode() + body)
    return write


def _json(data: object, status: str = "200 OK") -> Callable[[socket.socket], None]:
    return _answer(status, json.dumps(data).encode())


def _trickle(conn: socket.socket) -> None:
    """Headers and body one byte every 0.18 s: each read is quick, the call is not."""
    body = b'{"name": "slow"}'
    raw = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
           + str(len(body)).encode() + b"\r\n\r\n" + body)
    for byte in raw:
        conn.sendall(bytes([byte]))
        time.sleep(0.18)


def _sleep(conn: socket.socket) -> None:
    time.sleep(3)
    _json({"late": True})(conn)


def _chunked_big(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked"
                 b"\r\n\r\n")
    chunk = b"x" * 65536
    for _ in range(20):
        conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
    conn.sendall(b"0\r\n\r\n")


def _echo_auth(conn: socket.socket) -> None:
    raise AssertionError("replaced per server")


@pytest.fixture
def server() -> Iterator[Loopback]:
    loop = Loopback({
        "/trickle": _trickle,
        "/sleep": _sleep,
        "/charset": _answer("200 OK", b'{"a": 1}', "application/json; charset=x-no-such-charset"),
        "/rot13": _answer("200 OK", b"hello", "text/plain; charset=rot13"),
        "/big": _chunked_big,
        "/missing": _json({"error": "no"}, "404 Not Found"),
        "/fail": _json({"error": "boom"}, "500 Internal Server Error"),
        "/moved": _answer("302 Found", b"", extra="Location: http://127.0.0.1:1/x\r\n"),
        "/ansi": _answer("200 OK", b"ok\x1b[2J\x07\nline 2\n", "text/plain",
                         extra="X-Note: a\x1b]0;pwned\x07b\r\n"),
    })
    loop.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    loop.sock.bind(("127.0.0.1", 0))
    loop.sock.listen(64)
    thread = threading.Thread(target=loop.serve, daemon=True)
    thread.start()
    try:
        yield loop
    finally:
        loop.sock.close()


def hook(tmp_path: Path, body: str, url: str = "https://example.test/hook") -> Path:
    path = tmp_path / "h.webhook.yaml"
    path.write_text(f"url: {json.dumps(url)}\nbody: {json.dumps(body)}\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def transport(**kwargs: object) -> LiveTransport:
    return LiveTransport(allow_hosts=frozenset({"127.0.0.1:*"}), sleep=lambda _: None,
                         **kwargs)  # type: ignore[arg-type]


# 1. one URL, one host


def test_backslash_userinfo_trick_does_not_reach_the_other_host(
    server: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{server.port}\\@localhost:1/x"
    path = hook(tmp_path, f"{{% connected_content {url} %}}")
    code, out, err = run(capsys, "check", str(path), "--live", "--allow-host", "localhost:*")
    assert code == 1, out + err
    assert "backslash" in out
    assert server.requests == []


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://u:{pw}@127.0.0.1:{port}/x", "userinfo"),
        ("http://127.0.0.1:{port}/x\x01", "character"),
        ("ftp://127.0.0.1:{port}/x", "http:// or https://"),
        ("http:///x", "no host"),
    ],
    ids=["userinfo", "control-character", "other-scheme", "no-host"],
)
def test_ambiguous_urls_are_refused_before_any_connection(
    server: Loopback, url: str, words: str
) -> None:
    with pytest.raises(CallFailed) as failed:
        transport().send(CallRequest("GET", url.format(pw=PASSWORD, port=server.port)))
    assert words in failed.value.message
    assert PASSWORD not in failed.value.message
    assert server.requests == []


def test_only_ports_80_and_443_unless_the_port_is_allowed(server: Loopback) -> None:
    plain = LiveTransport(allow_hosts=frozenset({"127.0.0.1"}))
    with pytest.raises(CallFailed) as failed:
        plain.send(CallRequest("GET", f"{server.base}/x"))
    assert failed.value.kind == "not-allowed"
    assert f"--allow-host 127.0.0.1:{server.port}" in failed.value.message
    exact = LiveTransport(allow_hosts=frozenset({f"127.0.0.1:{server.port}"}))
    assert exact.send(CallRequest("GET", f"{server.base}/x")).status == 200
    assert server.hits("/x") == 1


def test_base_url_rewrites_its_origin_and_refuses_the_hosts_other_schemes_and_ports(
    server: Loopback,
) -> None:
    live = LiveTransport(base_urls={"https://api.roktcalendar.com": server.base})
    assert live.send(CallRequest("GET", "https://api.roktcalendar.com/x?q=1")).status == 200
    assert server.requests[0].startswith(b"GET /x?q=1 HTTP/1.1")
    for other in ("http://api.roktcalendar.com/x", "https://api.roktcalendar.com:8443/x",
                  "https://API.roktcalendar.com:443/x?y"):
        if ":443/" in other:  # the same origin, spelled differently: rewritten too
            assert live.send(CallRequest("GET", other)).status == 200
            continue
        with pytest.raises(CallFailed) as failed:
            live.send(CallRequest("GET", other))
        assert failed.value.kind == "not-allowed"
        assert "refused, not sent to the real host" in failed.value.message
    with pytest.raises(CallFailed):  # a look-alike host is not the rewritten one
        live.send(CallRequest("GET", "https://api.roktcalendar.com.evil.test/x"))


# 2. only the credentials the user named


def test_netrc_and_proxy_variables_are_ignored(
    server: Loopback, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login someone password {PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".netrc").write_text(netrc.read_text())
    (tmp_path / ".netrc").chmod(0o600)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    assert transport().send(CallRequest("GET", f"{server.base}/plain")).status == 200
    [request] = server.requests
    assert b"authorization" not in request.lower()


def test_trust_env_is_the_documented_way_to_use_a_proxy(
    server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.base)  # the loopback server plays the proxy
    monkeypatch.setenv("http_proxy", server.base)
    live = transport(trust_env=True)
    assert live.send(CallRequest("GET", "http://127.0.0.1:1/through-proxy")).status == 200
    assert server.requests[0].startswith(b"GET http://127.0.0.1:1/through-proxy")


@pytest.mark.parametrize("fmt", FORMATS)
def test_url_passwords_never_reach_a_report(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hook(tmp_path, f"{{% connected_content https://bob:{PASSWORD}@api.example.test/x %}}",
                url=f"https://bob:{PASSWORD}@example.test/hook")
    code, out, err = run(capsys, "check", str(path), "--format", fmt)
    assert code == 1
    assert PASSWORD not in out + err
    code, out, err = run(capsys, "check", str(path), "--format", fmt, "--live",
                         "--allow-host", "api.example.test")
    assert PASSWORD not in out + err


@pytest.mark.parametrize("style", ["http", "curl", "json"])
def test_render_hides_url_passwords_unless_asked(
    style: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hook(tmp_path, "hello", url=f"https://bob:{PASSWORD}@example.test/hook")
    code, out, err = run(capsys, "render", str(path), "--as", style)
    assert code == 0, err
    assert PASSWORD not in out + err and "bob" not in out
    code, out, _ = run(capsys, "render", str(path), "--as", style, "--show-secrets")
    assert PASSWORD in out


# 3. Braze's budget per call; every failure reported


def test_a_trickling_server_gets_two_seconds_in_all(server: Loopback) -> None:
    # the server sends a byte every 0.18 s for 6 s: a per-read timeout never fires, so
    # only a whole-call deadline makes this a timeout
    with pytest.raises(CallFailed) as failed:
        transport().send(CallRequest("GET", f"{server.base}/trickle"))
    assert failed.value.kind == "timeout"
    assert "longer than 2 s" in failed.value.message


def test_a_slow_server_without_retry_is_a_finding(
    server: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hook(tmp_path, f"[{{% connected_content {server.base}/sleep :save r %}}{{{{r.late}}}}]")
    code, out, _ = run(capsys, "check", str(path), "--live", "--allow-host", "127.0.0.1:*")
    assert code == 1
    assert "render-error" in out and "took longer than 2 s" in out
    code, out, err = run(capsys, "render", str(path), "--live", "--allow-host", "127.0.0.1:*")
    assert code == 1
    assert "took longer than 2 s" in err and "h.webhook.yaml:2:" in err
    assert "[]" in out  # the request is still shown, with the call's output blank


@pytest.mark.parametrize(
    ("path", "kind", "words"),
    [
        ("/charset", "charset", "x-no-such-charset"),
        ("/rot13", "charset", "rot13"),
        ("/big", "too-large", "over 1 MB"),
        ("/moved", "redirect", "does not follow redirects"),
    ],
)
def test_failures_are_call_failures_not_crashes(
    server: Loopback, path: str, kind: str, words: str
) -> None:
    with pytest.raises(CallFailed) as failed:
        transport().send(CallRequest("GET", server.base + path))
    assert failed.value.kind == kind and words in failed.value.message


def test_unknown_charset_is_a_finding_and_an_error_line_never_exit_3(
    server: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hook(tmp_path, f"{{% connected_content {server.base}/charset :save r %}}")
    code, out, err = run(capsys, "check", str(path), "--live", "--allow-host", "127.0.0.1:*")
    assert code == 1 and "x-no-such-charset" in out and "Traceback" not in err
    code, _, err = run(capsys, "render", str(path), "--live", "--allow-host", "127.0.0.1:*")
    assert code == 1 and "x-no-such-charset" in err and "internal error" not in err


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names under .invalid fail to resolve, and slow.invalid hangs, without asking DNS."""
    real = socket.getaddrinfo

    def getaddrinfo(host: str, *args: object, **kwargs: object) -> object:
        if host == "slow.invalid":
            time.sleep(5)
        if str(host).endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_hanging_resolver_is_held_to_the_budget(resolver: None) -> None:
    live = LiveTransport(allow_hosts=frozenset({"slow.invalid"}))
    with pytest.raises(CallFailed) as failed:  # the resolver sleeps 5 s, then fails
        live.send(CallRequest("GET", "http://slow.invalid/x"))
    assert failed.value.kind == "timeout" and "DNS lookup" in failed.value.message


def test_tls_and_dns_failures_are_findings(
    server: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str], resolver: None
) -> None:
    body = (f"{{% connected_content https://127.0.0.1:{server.port}/tls :save a %}}"
            "{% connected_content http://no-such-host.invalid/x :save b %}")
    path = hook(tmp_path, body)
    code, out, err = run(capsys, "check", str(path), "--live", "--allow-host", "127.0.0.1:*",
                         "--allow-host", "no-such-host.invalid")
    assert code == 1, err
    assert "TLS handshake failed" in out
    assert "unknown host" in out


def test_retry_only_where_braze_retries(server: Loopback, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """:retry repeats a 5xx (5 retries, then abort) but not a 404, a redirect or a bad
    charset."""
    for path_, hits in (("/missing", 1), ("/moved", 1), ("/charset", 1), ("/fail", 6)):
        path = hook(tmp_path, f"{{% connected_content {server.base}{path_} :retry %}}")
        run(capsys, "check", str(path), "--live", "--allow-host", "127.0.0.1:*")
        assert server.hits(path_) == hits, path_


# send and the options


def test_send_obeys_the_allowlist(server: Loopback, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = hook(tmp_path, "{}", url=f"{server.base}/hook")
    code, _, err = run(capsys, "send", str(path))
    assert code == 1 and "is not allowed" in err
    assert server.requests == []
    code, out, _ = run(capsys, "send", str(path), "--allow-host", f"127.0.0.1:{server.port}")
    assert code == 0 and out.startswith("HTTP 200")
    assert server.hits("/hook") == 1


def test_send_to_rewrites_only_the_webhooks_origin(server: Loopback, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    body = "{% connected_content http://api.example.test/token :save t %}{}"
    path = hook(tmp_path, body, url="https://api.example.test/hook")
    code, _, err = run(capsys, "send", str(path), "--to", server.base)
    assert "refused, not sent to the real host" in err  # http:// of the rewritten host
    assert code == 1
    assert server.requests == []  # a refused call stops the send, like any render error


@pytest.mark.parametrize(
    "argv",
    [
        ["send", "{hook}", "--to", "ftp://127.0.0.1:1"],
        ["send", "{hook}", "--to", f"http://u:{PASSWORD}@127.0.0.1:1"],
        ["send", "{hook}", "--base-url", "https://a.test=http://127.0.0.1\\x"],
        ["check", "{hook}", "--live", "--allow-host", "bad host"],
        ["check", "{hook}", "--live", "--allow-host", "*"],
        ["check", "{hook}", "--allow-host", "127.0.0.1"],
        ["render", "{hook}", "--base-url", "https://a.test=http://127.0.0.1:1"],
    ],
    ids=["to-scheme", "to-userinfo", "base-url-backslash", "allow-host-space", "allow-host-star",
         "allow-host-without-live", "base-url-without-live"],
)
def test_bad_live_options_are_usage_errors_before_any_work(
    server: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    path = hook(tmp_path, f"{{% connected_content {server.base}/x %}}", url=f"{server.base}/h")
    code, out, err = run(capsys, *(a.replace("{hook}", str(path)) for a in argv))
    assert code == 2, out + err
    assert err.startswith("rokt-braze: ") and len(err.strip().splitlines()) == 1
    assert PASSWORD not in err
    assert server.requests == []


def test_send_never_prints_a_servers_control_characters(
    server: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hook(tmp_path, "{}", url=f"{server.base}/ansi")
    code, out, _ = run(capsys, "send", str(path), "--allow-host", f"127.0.0.1:{server.port}")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "ok\\x1b[2J\\x07\nline 2" in out
    assert "X-Note: a\\x1b]0;pwned\\x07b" in out


def test_header_injection_is_refused_without_echoing_the_value(server: Loopback) -> None:
    request = CallRequest("GET", f"{server.base}/x",
                          headers={"Authorization": f"Bearer {PASSWORD}\r\nX-Evil: 1"})
    with pytest.raises(CallFailed) as failed:
        transport().send(request)
    assert failed.value.kind == "bad-request" and "'Authorization'" in failed.value.message
    assert PASSWORD not in failed.value.message
    assert server.requests == []


def test_non_latin1_credentials_are_sent_as_utf8(server: Loopback) -> None:
    import base64

    live = transport(environ={"ROKT_BRAZE_X_USERNAME": "zoë€", "ROKT_BRAZE_X_PASSWORD": "pw"})
    assert live.send(CallRequest("GET", f"{server.base}/x", basic_auth="x")).status == 200
    expected = base64.b64encode("zoë€:pw".encode()).decode()
    assert f"Authorization: Basic {expected}".encode() in server.requests[0]


def test_allowlist_entries_compare_as_the_url_parser_reads_hosts() -> None:
    live = LiveTransport(allow_hosts=frozenset({"Bücher.example", ".Shop.example"}))
    assert live.resolve("https://xn--bcher-kva.example/x").host == "xn--bcher-kva.example"
    assert live.resolve("https://bücher.example/x").host == "xn--bcher-kva.example"
    assert live.resolve("http://a.shop.example/x").port == 80
    with pytest.raises(CallFailed):
        live.resolve("https://evilshop.example/x")  # a suffix, not a subdomain
