"""`Service`: the life cycle every fake shares (bind, start, serve, stop, `with`).

A fake builds its `App` and `HttpServer` and then says, by overriding two hooks, what
runs beside the server (`_start_workers`: the fake Braze's deliverer, the fake Rokt's
push into Braze) and what to release once it has stopped (`_close`: its database).
"""

from __future__ import annotations

from typing import TypeVar

from rokt_braze.fakes.core.server import HttpServer

_S = TypeVar("_S", bound="Service")


class Service:
    """Base class of the fakes; subclasses set `_server` and `_name` in `__init__`."""

    _server: HttpServer
    #: How errors name the service ("the fake Rokt").
    _name: str = "the fake"
    _closed: bool = False

    def bind(self) -> None:
        """Open the listening socket (port 0 picks a free one); raises OSError."""
        self._server.bind()

    def start(self: _S) -> _S:
        """Serve, and run the background workers, from background threads until `stop`."""
        self._server.start()
        self._start_workers()
        return self

    def serve_forever(self) -> None:
        """Serve from the calling thread (the CLI); Ctrl-C raises KeyboardInterrupt."""
        self._start_workers()
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and the workers, then release what the fake holds; safe twice."""
        self._server.stop()
        self._stop_workers()
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self: _S) -> _S:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        try:
            return self._server.base_url
        except RuntimeError:
            raise RuntimeError(f"{self._name} server is not running") from None

    # hooks

    def _start_workers(self) -> None:
        """Start what runs beside the server; called once the server can answer."""

    def _stop_workers(self) -> None:
        """Stop what `_start_workers` started; called after the server stopped."""

    def _close(self) -> None:
        """Release storage once everything has stopped; called once."""
