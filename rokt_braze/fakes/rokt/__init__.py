"""A local fake of the Rokt Calendar API, for end-to-end tests of Braze→Rokt webhooks.

Served by the fakes' server core (`rokt_braze.fakes.core`: uvicorn on h11, its limits
and JSON errors) with SQLite and `icalendar` (the optional `fake` extra). Where Rokt
documents nothing, the fake makes a choice, listed here so tests do not mistake it for
Rokt's behaviour:

* `POST /oauth2/token`: client credentials by HTTP Basic or by form fields; replies and
  errors per RFC 6749 (400 `invalid_request` / `unsupported_grant_type` / `invalid_grant`,
  401 `invalid_client`). `grant_type=refresh_token` works with the issued refresh token
  (60 minutes). Access tokens expire after `expires_in` seconds of the injected clock.
* Event endpoints: 401 for a missing, unknown or expired bearer token; 429 with
  `Retry-After` after 20 failed authentications from one address in a minute (token
  endpoint included; the token endpoint then refuses even the right secret, while a
  live bearer token still passes); 404 for an account code not configured (any code is accepted when
  none are configured); 403 for an account that belongs to another client (an account
  belongs to the client configured for it, else to the first client that uses it);
  415 for a body that is not `application/json`; 400 with
  Rokt's Error Model `{"Code", "Reason"}` when the project validator finds a Rokt error
  (see `events`) - `Code` is the validator's rule id; otherwise 202 with an empty body.
  The change is applied at once (Rokt queues it for minutes).
* Create with an eventId that exists replaces its fields and adds the new subscriptions.
  Update replaces every field (absent optional fields are cleared), keeps the
  subscriptions, and answers 404 for an eventId never created. Update accepts the wrapped
  and the flat body. Delete answers 404 for an unknown eventId. The v2 delete takes the
  event off one subscription (its feed drops it, the others keep it) and answers 404 when
  that subscription does not hold the event.
* Subscriptions exist once an event names them (the fake has no subscribe endpoint);
  their ids are GUIDs compared case-insensitively.
* `GET /calendars/{subscriptionId}.ics` is the subscriber's feed (no auth, like a webcal
  link); 404 for a subscription never named. Offsets or `Z` on start/end are ignored:
  they are local wall-clock times in the event's zone.
* `GET /health` answers 200.

Credentials never reach recorded requests or log lines, and log lines carry no raw
control characters (see `rokt_braze.fakes.core.logs`); the `.ics` feed drops the control
characters RFC 5545 forbids.
"""

from rokt_braze.fakes.core import ManualClock
from rokt_braze.fakes.rokt.models import EventDetails, RecordedRequest, StoredEvent
from rokt_braze.fakes.rokt.server import DEFAULT_CLIENTS, FakeRokt, running_fake_rokt

__all__ = [
    "DEFAULT_CLIENTS",
    "EventDetails",
    "FakeRokt",
    "ManualClock",
    "RecordedRequest",
    "StoredEvent",
    "running_fake_rokt",
]
