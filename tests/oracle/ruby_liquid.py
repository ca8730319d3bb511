"""Shopify's Ruby Liquid as a test oracle, driven over a pipe.

One long-lived `ruby` process runs `ruby_liquid.rb` and answers one JSON line per
template, so thousands of renders take seconds. Use it from any test:

    from oracle.ruby_liquid import render_in_ruby, ruby_time
    ok, text = render_in_ruby("{{ 2.5 | round }}", {})        # (True, "3")
    ok, text = render_in_ruby("{{ t | date: '%F' }}", {"t": ruby_time("2021-06-03T17:13:41Z")})

`ok` is False when Ruby Liquid failed to parse or render; `text` is then the error.
`ruby_unavailable()` says why the oracle cannot run (None when it can); tests skip on it
locally and fail under `CI=true` (see `require_ruby`).

Data is JSON (nil, booleans, integers, floats, strings, arrays, hashes), read by Ruby's
JSON library; `ruby_time(iso)` marks a value that Ruby should see as a `Time`. Ruby
runs with `TZ=UTC`, as Braze's servers do.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import select
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).with_name("ruby_liquid.rb")
#: Seconds to wait for one reply (the script itself gives up on a render after 5 s).
REPLY_TIMEOUT = 20.0


class RubyLiquid:
    """A running `ruby ruby_liquid.rb`; restarted if it dies or stops answering."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.version = ""

    def _start(self) -> subprocess.Popen[str]:
        ruby = shutil.which("ruby")
        if ruby is None:
            raise RuntimeError("ruby is not installed")
        process = subprocess.Popen(
            [ruby, str(SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, "TZ": "UTC", "LANG": "C.UTF-8"},
        )
        hello = self._read(process)
        if hello is None or "ready" not in hello:
            error = process.stderr.read() if process.stderr and process.poll() is not None else ""
            process.kill()
            raise RuntimeError(f"ruby_liquid.rb did not start: {error.strip() or hello}")
        self.version = str(hello["ready"])
        return process

    @staticmethod
    def _read(process: subprocess.Popen[str]) -> dict[str, Any] | None:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], REPLY_TIMEOUT)
        if not ready:
            return None
        line = process.stdout.readline()
        return json.loads(line) if line else None

    def render(self, template: str, data: dict[str, Any] | None = None) -> tuple[bool, str]:
        """Render `template` with `data`: (True, output) or (False, Ruby's error)."""
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        process = self._process
        assert process.stdin is not None
        process.stdin.write(json.dumps({"template": template, "data": data or {}}) + "\n")
        process.stdin.flush()
        reply = self._read(process)
        if reply is None:  # hung or died: start afresh next time
            self.close()
            return False, "ruby_liquid.rb gave no reply"
        if reply.get("ok"):
            return True, str(reply["text"])
        return False, str(reply.get("error", "unknown error"))

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


_ORACLE = RubyLiquid()
atexit.register(_ORACLE.close)


def render_in_ruby(template: str, data: dict[str, Any] | None = None) -> tuple[bool, str]:
    """Render with Shopify's Ruby Liquid: (True, text), or (False, error) if it failed."""
    return _ORACLE.render(template, data)


def ruby_time(iso: str) -> dict[str, str]:
    """A data value Ruby receives as a `Time` (ISO 8601 with an offset or `Z`)."""
    return {"__ruby__": "time", "value": iso}


@functools.cache
def ruby_unavailable() -> str | None:
    """Why the oracle cannot run here, or None if it can."""
    if shutil.which("ruby") is None:
        return "ruby is not installed (apt-get install ruby ruby-liquid)"
    check = subprocess.run(
        ["ruby", "-e", 'require "liquid"; print Liquid::VERSION'],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        return "Ruby's liquid library is not installed (apt-get install ruby-liquid)"
    return None


def require_ruby() -> None:
    """Skip the calling test when Ruby Liquid is missing; under CI=true, fail instead."""
    reason = ruby_unavailable()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Ruby Liquid oracle required in CI: {reason}", pytrace=False)
    pytest.skip(f"Ruby Liquid oracle not run: {reason}")
