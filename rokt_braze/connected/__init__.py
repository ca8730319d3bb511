"""connected_content transports: how a call leaves the template.

`base` holds the interface; `fixtures` answers calls offline from fixtures (the
default); a live transport (real HTTP with Braze's limits) plugs in the same way.
"""

from rokt_braze.connected.base import CallFailed, CallRequest, CallResponse, Transport
from rokt_braze.connected.fixtures import FixtureTransport, parse_fixtures

__all__ = [
    "CallFailed",
    "CallRequest",
    "CallResponse",
    "FixtureTransport",
    "Transport",
    "parse_fixtures",
]
