"""`rokt-braze audience`: a dry run of one webhook over a whole Braze user export.

Braze sends a webhook to every user of a segment, often millions; a template that is fine
for the sample subscriber can break for the one user whose name holds a quote or who has no
subscription left. `run_audience(webhook, export)` renders and validates the message for each
user on all cores and returns a `Summary`: per rule how many users and which, the users for
whom the message would be aborted, and the eventIds several users share.

Imports are lazy so that `rokt-braze --help` does not load the renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rokt_braze.audience.run import run_audience
    from rokt_braze.audience.summary import Summary

__all__ = ["Summary", "run_audience"]


def __getattr__(name: str) -> Any:
    if name == "run_audience":
        from rokt_braze.audience.run import run_audience

        return run_audience
    if name == "Summary":
        from rokt_braze.audience.summary import Summary

        return Summary
    raise AttributeError(name)
