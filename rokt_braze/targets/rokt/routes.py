"""The Rokt Calendar event routes: one row per endpoint, with its method and its body.

Everything the target does per endpoint reads this table: which endpoints the registry
lists, the HTTP contract (method, JSON body or none), which schema checks the body,
detection from a rendered request, and the route named when a path or method matches
none. A DELETE takes no body: the event (and for v2 the subscription) is in the path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rokt_braze.targets.http import HttpContract

PREFIX = "/v1/subscriptionevent"
V2_PREFIX = "/v2/subscription"


@dataclass(frozen=True)
class Route:
    """One Rokt endpoint a webhook may call."""

    #: the endpoint id a webhook's `target:` names
    endpoint: str
    method: str
    #: the path, `{placeholders}` for the parts a template renders
    path: str
    #: the JSON Schema (`<name>.schema.json`) of its body; None: it takes no body
    schema: str | None
    #: what it does, for messages
    summary: str

    @property
    def shown(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def contract(self) -> HttpContract:
        return _contract(self)


@cache
def _contract(route: Route) -> HttpContract:
    has_body = route.schema is not None
    return HttpContract(methods=(route.method,), bearer_token=True, json_body=has_body,
                        takes_body=has_body)  # fmt: skip


CREATE = "rokt.create_event"
UPDATE = "rokt.update_event"
DELETE = "rokt.delete_event"
REMOVE = "rokt.remove_event"

#: Every route of the Rokt Calendar event API, in the order detection prefers them.
ROUTES = (
    Route(CREATE, "POST", f"{PREFIX}/{{accountCode}}", "create_event",
          "create an event on subscriptions"),
    Route(UPDATE, "POST", f"{PREFIX}/{{accountCode}}/update", "update_event",
          "update an event on every subscription holding it"),
    Route(DELETE, "DELETE", f"{PREFIX}/{{accountCode}}/{{eventId}}", None,
          "delete an event from every subscription"),
    Route(REMOVE, "DELETE",
          f"{V2_PREFIX}/{{accountCode}}/{{subscriptionId}}/subscriptionevent/{{eventId}}", None,
          "remove an event from one subscription"),
)  # fmt: skip
ENDPOINTS = tuple(route.endpoint for route in ROUTES)
_BY_ENDPOINT = {route.endpoint: route for route in ROUTES}


def route(endpoint: str) -> Route:
    """The route of a Rokt endpoint id (KeyError: not one)."""
    return _BY_ENDPOINT[endpoint]
