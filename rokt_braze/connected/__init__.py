"""connected_content transports: how a call leaves the template.

`base` holds the interface; `fixtures` owns the one fixture schema and answers calls
offline from fixtures (the default); a live transport (real HTTP with Braze's limits)
plugs in the same way. This package is a leaf: it imports nothing else of rokt_braze.
"""

from rokt_braze.connected.base import CallFailed, CallRequest, CallResponse, Transport
from rokt_braze.connected.fixtures import (
    FixtureError,
    FixtureTransport,
    check_fixtures,
    parse_fixtures,
)

__all__ = [
    "CallFailed",
    "CallRequest",
    "CallResponse",
    "FixtureError",
    "FixtureTransport",
    "Transport",
    "check_fixtures",
    "parse_fixtures",
]
