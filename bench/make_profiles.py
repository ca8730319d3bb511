"""Write N realistic Rokt Calendar subscriber profiles as a Braze user export (JSON Lines).

Run: python bench/make_profiles.py N [OUT]   (OUT ending in .gz is gzipped; default stdout)

Each line is one `/users/export/ids`-shaped user, modelled on the bundled sample subscriber
(`rokt_braze.profiles.sample`): Rokt writes its `rokt:*` custom attributes as arrays with one
`"<value>/<12 hex>"` element per calendar subscription, and `rokt:subscription_id` as bare
GUIDs. The mix is what a real segment holds: most users have one subscription, some two or
three, and about 5% have none left (half with emptied arrays, half never subscribed, so no
`rokt:*` attributes at all). Names include apostrophes and accents; the output is the same for
the same N and seed, so benchmark runs compare like with like.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
import uuid
from collections.abc import Iterator
from typing import IO, Any

FIRST = ["Avery", "Maya", "Lucas", "Zoë", "José", "Aoife", "Liam", "Priya", "Chen", "Fatima",
         "Noah", "Olivia", "Mateo", "Sofía", "Kwame", "Hana", "Jo-Ann", "Björn", "Amara", "Ines"]
LAST = ["Collins", "Okafor", "O'Neil", "D'Souza", "García", "Nguyễn", "Müller", "Smith",
        "Kowalski", "Haddad", "Tanaka", "Brown", "Rossi", "Silva", "Andersson", "Kim"]
CITIES = [("New York", "US", "America/New_York"), ("Chicago", "US", "America/Chicago"),
          ("London", "GB", "Europe/London"), ("Sydney", "AU", "Australia/Sydney"),
          ("Berlin", "DE", "Europe/Berlin"), ("Toronto", "CA", "America/Toronto"),
          ("Los Angeles", "US", "America/Los_Angeles"), ("Auckland", "NZ", "Pacific/Auckland")]
METHODS = ["WebCal", "Google", "Outlook", "iCal"]
DEVICES = ["Desktop", "Mobile", "Tablet"]
ACCOUNTS = 25
SUBSCRIPTIONS = (0, 1, 2, 3)
WEIGHTS = (5, 60, 25, 10)


def accounts(rng: random.Random) -> list[dict[str, Any]]:
    """A fixed set of Rokt accounts, each with a few calendars."""
    out = []
    for n in range(ACCOUNTS):
        code = "brazetest" if n == 0 else f"team{n:02d}"
        calendars = [
            {"code": f"{code}-calendar-{c}", "id": str(uuid.UUID(int=rng.getrandbits(128),
                                                                version=4)),
             "title": f"{code.title()} Calendar {c}"}
            for c in range(1, rng.randint(2, 5))
        ]
        out.append({"code": code, "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "name": f"{code.title()} Sports", "calendars": calendars})
    return out


def profile(i: int, rng: random.Random, accts: list[dict[str, Any]]) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first}.{last}{i}@example.com".lower().replace("'", "")
    city, country, zone = rng.choice(CITIES)
    user: dict[str, Any] = {
        "external_id": f"user-{i:07d}",
        "braze_id": f"{rng.getrandbits(96):024x}",
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": f"+1212555{rng.randint(0, 9999):04d}",
        "dob": f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "home_city": city,
        "country": country,
        "language": "en",
        "time_zone": zone,
        "gender": rng.choice("FMO"),
        "random_bucket": rng.randint(0, 9999),
        "email_subscribe": rng.choice(["subscribed", "opted_in", "unsubscribed"]),
        "push_subscribe": "subscribed",
    }
    count = rng.choices(SUBSCRIPTIONS, WEIGHTS)[0]
    if count == 0 and rng.random() < 0.5:  # never subscribed: no rokt:* attributes at all
        user["custom_attributes"] = {"loyalty_tier": rng.choice(["gold", "silver"])}
        return user
    account = rng.choice(accts)
    custom: dict[str, list[str]] = {}
    ids: list[str] = []
    for _ in range(count):
        suffix = f"{rng.getrandbits(48):012x}"
        calendar = rng.choice(account["calendars"])
        values = {
            "rokt:account_code": account["code"], "rokt:account_id": account["id"],
            "rokt:account_name": account["name"], "rokt:calendar_code": calendar["code"],
            "rokt:calendar_id": calendar["id"], "rokt:calendar_title": calendar["title"],
            "rokt:country_code": country, "rokt:device_name": rng.choice(DEVICES),
            "rokt:optIn1": "True", "rokt:optIn2": rng.choice(["True", "False"]),
            "rokt:source": f"{account['code']}.Rokt Calendarapp.com",
            "rokt:subscriber_email": email, "rokt:subscription_method": rng.choice(METHODS),
            "rokt:tags": f"{calendar['title']}/All Teams",
        }
        for name, value in values.items():
            custom.setdefault(name, []).append(f"{value}/{suffix}")
        ids.append(str(uuid.UUID(int=rng.getrandbits(128), version=4)))
    if count == 0:  # unsubscribed from everything: Rokt left the arrays empty
        custom = {name: [] for name in ("rokt:account_code", "rokt:calendar_title",
                                        "rokt:calendar_id")}
    custom["rokt:subscription_id"] = ids
    user["custom_attributes"] = dict(sorted(custom.items()))
    user["custom_events"] = [{"name": "subscribe", "first": "2024-03-02T14:05:11.000Z",
                              "last": "2024-05-19T09:41:27.000Z", "count": max(count, 1)}]
    return user


def profiles(n: int, seed: int = 20240521) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    accts = accounts(rng)
    for i in range(1, n + 1):
        yield profile(i, rng, accts)


def write(n: int, out: IO[str]) -> None:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    for user in profiles(n):
        out.write(dumps(user) + "\n")


def main(argv: list[str]) -> int:
    if not argv or not argv[0].isdigit():
        sys.stderr.write("usage: python bench/make_profiles.py N [OUT]\n")
        return 2
    n = int(argv[0])
    if len(argv) < 2 or argv[1] == "-":
        write(n, sys.stdout)
    elif argv[1].endswith(".gz"):
        with gzip.open(argv[1], "wt", encoding="utf-8", compresslevel=3) as out:
            write(n, out)
    else:
        with open(argv[1], "w", encoding="utf-8") as out:
            write(n, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
