"""Ruby, for tests that compare a printing rule with Ruby 3.1 itself.

`ruby_results(script, data)` runs a Ruby script that reads `DATA` (the data, from JSON)
and sets `RESULT` (an array of strings), and returns `RESULT`. Tests that need Ruby are
skipped, visibly, when `ruby` is not on PATH (`.ci/run` installs it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

RUBY = shutil.which("ruby")
needs_ruby = pytest.mark.skipif(RUBY is None, reason="ruby is not installed")


#: Braze runs Liquid inside Rails, whose ActiveSupport gives every object `blank?`; Ruby
#: Liquid's `blank` literal calls it. These are ActiveSupport's definitions.
ACTIVE_SUPPORT_BLANK = """
class Object; def blank?; respond_to?(:empty?) ? !!empty? : !self; end; end
class String; def blank?; /\\A[[:space:]]*\\z/.match?(self); end; end
class Numeric; def blank?; false; end; end
"""


def ruby_results(script: str, data: Any) -> list[str]:
    """Run `script` with `DATA` bound to `data` (through JSON); the `RESULT` it sets."""
    assert RUBY is not None
    program = (
        f'require "json"\nDATA = JSON.parse(STDIN.read)\n{script}\n'
        "print JSON.generate(RESULT)"
    )
    done = subprocess.run(
        [RUBY, "-e", program], input=json.dumps(data), capture_output=True, text=True,
        check=True, timeout=60,
    )
    result: list[str] = json.loads(done.stdout)
    return result
