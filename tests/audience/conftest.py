"""A small generated Braze export with seeded bad users, and webhooks that trip on them."""

from __future__ import annotations

import gzip
import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rokt_braze.profiles.sample import sample_data

REPO = Path(__file__).resolve().parents[2]
CREATE = REPO / "templates" / "rokt-create-event.webhook.yaml"
UPDATE = REPO / "templates" / "rokt-update-event.webhook.yaml"

USERS = 30
#: users (1-based) without rokt:subscription_id at all
NO_SUBSCRIPTION = (5, 9, 14, 22)
#: users whose first name holds a double quote
QUOTED = (7, 18)
#: users whose Rokt attributes are plain strings where Rokt writes arrays
STRING_TYPED = (11, 26)
#: a line that is not JSON is written after this user
MALFORMED_AFTER = 15


def user_id(n: int) -> str:
    return f"user-{n:03d}"


def line_of(n: int) -> int:
    """The export line user `n` is on (the malformed line shifts the later ones)."""
    return n + (1 if n > MALFORMED_AFTER else 0)


def make_user(n: int, first_name: str = "Avery", *, seeded: bool = True) -> dict[str, Any]:
    """User `n`; `seeded`: with the defects seeded for its number (see the tuples above)."""
    data = sample_data()
    data["external_id"] = user_id(n)
    data["braze_id"] = f"{n:024x}"
    data["first_name"] = first_name
    custom = data["custom_attributes"]
    custom["rokt:subscription_id"] = [f"{n:08x}-0000-4000-8000-000000000000"]
    custom["rokt:account_code"] = [f"brazetest/{n:012x}"]
    if not seeded:
        return data
    if n in NO_SUBSCRIPTION:
        del custom["rokt:subscription_id"]
    if n in QUOTED:
        data["first_name"] = 'Dana "DJ"'
    if n in STRING_TYPED:
        custom["rokt:account_code"] = f"brazetest/{n:012x}"
        custom["rokt:subscription_id"] = f"{n:08x}-0000-4000-8000-000000000000"
    return data


def seeded_users() -> list[dict[str, Any]]:
    return [make_user(n) for n in range(1, USERS + 1)]


def write_jsonl(path: Path, users: list[dict[str, Any]], *, malformed_after: int | None = None,
                gz: bool = False) -> Path:
    lines = []
    for n, user in enumerate(users, 1):
        lines.append(json.dumps(user))
        if n == malformed_after:
            lines.append('{"external_id": "broken", ')
    text = "\n".join(lines) + "\n"
    if gz:
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """The seeded export as JSON Lines, one malformed line included."""
    return write_jsonl(tmp_path / "users.jsonl", seeded_users(), malformed_after=MALFORMED_AFTER)


PERSONAL = textwrap.dedent(
    """\
    name: Personalised game reminder
    target: rokt.create_event
    url: >-
      {% assign accountCode = {{custom_attribute.${rokt:account_code}}}[0] | split: '/'
      | first %}https://api.roktcalendar.com/v1/subscriptionevent/{{accountCode}}
    method: POST
    headers:
      Authorization: >-
        Bearer {% connected_content https://api.roktcalendar.com/oauth2/token :method post
        :basic_auth Rokt-Calendar-API :body grant_type=client_credentials :save token
        :retry %}{{token.access_token}}
      Content-Type: application/json
    body: |-
      {% capture eventId %}EVENT_ID{% endcapture %}
      {
        "event": {
          "eventId": "{{eventId}}",
          "title": "Hi {{${first_name}}}, your game starts soon",
          "start": "2024-06-01T19:00:00",
          "end": "2024-06-01T21:00:00",
          "timezone": "Eastern Standard Time",
          "notifyBefore": 30
        },
        "subscriptionIds": ["{{custom_attribute.${rokt:subscription_id} | join: '","'}}"]
      }
    """
)


@pytest.fixture
def webhook(tmp_path: Path) -> Callable[..., Path]:
    """Write the personalised webhook with a chosen eventId (and extra body lines first)."""

    def write(event_id: str = "Reminder_{{${user_id}}}", prelude: str = "",
              name: str = "personal.webhook.yaml") -> Path:
        text = PERSONAL.replace("EVENT_ID", event_id)
        if prelude:
            text = text.replace("body: |-\n", "body: |-\n  " + prelude + "\n")
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The personalised webhook with eventIds by first name: users of one name collide."""
    path = tmp_path_factory.mktemp("webhook") / "named.webhook.yaml"
    path.write_text(PERSONAL.replace("EVENT_ID", "Reminder_{{${first_name}}}"))
    return path
