"""Serving an `App` with uvicorn on h11: the listening socket, limits, start and stop.

Why this stack: uvicorn is a maintained ASGI server, and h11 is a strict, pure-Python
HTTP/1.1 parser (it refuses malformed or conflicting `Content-Length`, bad chunking,
control characters in the request line, oversized headers) with no C extension to
build. Forcing `http="h11"` keeps the parser the same on every machine (uvicorn would
otherwise pick httptools when it is installed). The event loop holds thousands of idle
connections cheaply; handlers run in the app's small thread pool.

What this module adds to uvicorn:
* a listening socket opened by `bind` (so "port in use" is reported before serving,
  and port 0 picks a free port) with a backlog of `Limits.backlog`;
* a cap on open connections (a JSON 503 beyond it, instead of uvicorn's plain text);
* a deadline from a request's first byte to its answer, headers included: a client
  that trickles its headers is answered 408 and disconnected, so slow clients cannot
  hold connections forever; bad framing is answered 400 in the fake's error shape;
* `start`/`stop` on a background thread (tests), `serve_forever` in the foreground
  (the CLI; Ctrl-C raises KeyboardInterrupt in the caller).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from typing import Any

from rokt_braze.fakes.core.http import App, Reply

_log = logging.getLogger("rokt_braze.fakes")
_log.addHandler(logging.NullHandler())
_log.propagate = False


def _require_uvicorn() -> Any:
    try:
        import uvicorn
        from uvicorn.protocols.http.h11_impl import H11Protocol
    except ImportError:
        raise ImportError(
            "the fake servers need uvicorn and h11: pip install 'rokt-braze[fake]'"
        ) from None
    return uvicorn, H11Protocol


def _raw_reply(reply: Reply) -> bytes:
    """A whole HTTP/1.1 response that closes the connection, for answers given outside
    the app (h11 cannot send a response before it has read a request)."""
    from http import HTTPStatus

    lines = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}",
             f"content-type: {reply.content_type}", f"content-length: {len(reply.body)}",
             *(f"{k}: {v}" for k, v in reply.headers), "connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + reply.body


def _protocol_class(app: App) -> type[Any]:
    """uvicorn's h11 protocol with the connection cap and the whole-request deadline."""
    _, h11_protocol = _require_uvicorn()
    limits = app.limits

    class Protocol(h11_protocol):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.logger = _log  # uvicorn's own warnings are not the fake's log
            self._deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if len(self.connections) > limits.max_connections:
                self._answer_and_close(app.error(
                    503, "ServiceUnavailable", "too many open connections; try again",
                    (("Retry-After", "1"),)))  # fmt: skip
                return
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._deadline is None:
                self._arm()
            super().data_received(data)

        def on_response_complete(self) -> None:
            self._disarm()
            super().on_response_complete()
            if self.cycle is not None and not self.cycle.response_complete:
                self._arm()  # a pipelined request started at once

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def send_400_response(self, msg: str) -> None:
            client = self.client[0] if self.client else "-"
            app.log_line(f"{client} - 400 malformed HTTP request")
            self._answer_and_close(app.error(400, "BadRequest", "malformed HTTP request", ()))

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(limits.request_deadline, self._expired)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expired(self) -> None:
            self._deadline = None
            if self.cycle is not None and self.cycle.response_started:
                self.transport.close()  # an answer is on its way; it had its chance
                return
            self._answer_and_close(app.error(
                408, "RequestTimeout", "the request took too long to arrive", ()))  # fmt: skip

        def _answer_and_close(self, reply: Reply) -> None:
            if self.cycle is not None:
                self.cycle.disconnected = True  # the app's late answer is dropped
                self.cycle.message_event.set()
            if not self.transport.is_closing():
                self.transport.write(_raw_reply(reply))
                self.transport.close()

    return Protocol


class HttpServer:
    """One `App` served on `host:port` (port 0: a free one)."""

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0) -> None:
        _require_uvicorn()
        self.app = app
        self._address = (host, port)
        self._socket: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self._thread: threading.Thread | None = None

    def bind(self) -> None:
        """Open the listening socket; raises OSError (e.g. the port is in use)."""
        if self._socket is None:
            host, port = self._address
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((host, port))
                sock.listen(self.app.limits.backlog)
            except OSError:
                sock.close()
                raise
            self._socket = sock

    @property
    def base_url(self) -> str:
        if self._socket is None:
            raise RuntimeError("the server is not listening")
        host, port = self._socket.getsockname()[:2]
        return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"

    def start(self) -> None:
        """Serve from a background thread until `stop`."""
        self.bind()
        self._thread = threading.Thread(target=self._run_in_thread, name="fake-server",
                                        daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the fake server did not start within 30 s")
        if self._failed is not None:
            raise RuntimeError(f"the fake server failed to start: {self._failed!r}")

    def serve_forever(self) -> None:
        """Serve from the calling thread; Ctrl-C raises KeyboardInterrupt here."""
        self.bind()
        self._run()

    def stop(self) -> None:
        """Stop serving and close the socket; safe to call twice."""
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and self._thread is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already finished
                loop.call_soon_threadsafe(stopping.set)
            self._thread.join(10)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self.app.close()

    def _run(self) -> None:
        asyncio.run(self._serve())

    def _run_in_thread(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # reported by `start`, which is waiting for it
            self._failed = exc
            self._ready.set()

    async def _serve(self) -> None:
        uvicorn, _ = _require_uvicorn()
        limits = self.app.limits
        config = uvicorn.Config(
            self.app, http=_protocol_class(self.app), loop="asyncio", lifespan="off",
            interface="asgi3", access_log=False, log_config=None, proxy_headers=False,
            server_header=False, backlog=limits.backlog,
            timeout_keep_alive=limits.keep_alive, ws="none",
        )  # fmt: skip
        config.load()
        server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        assert self._socket is not None
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        await server.startup(sockets=[self._socket])
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            await self._shutdown(server)

    @staticmethod
    async def _shutdown(server: Any) -> None:
        """uvicorn's shutdown without its fixed pauses: close the listener, close idle
        connections, give running requests a moment, then cancel them."""
        for listener in server.servers:
            listener.close()
        for connection in list(server.server_state.connections):
            connection.shutdown()
        tasks = list(server.server_state.tasks)
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=2)
            for task in pending:
                task.cancel()
        for connection in list(server.server_state.connections):
            connection.transport.close()
