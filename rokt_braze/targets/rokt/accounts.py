"""`rokt-subscription-ids` across accounts: a request to one account's URL that names
another account's subscriptions.

Rokt writes one entry per subscription into each `rokt:*` array of the user, in the same
order: `rokt:subscription_id[i]` is the subscription whose account is
`rokt:account_code[i]` (that entry carries the subscription's `/xxxxxxxxxxxx` key). The
common user, whose subscriptions are all the URL account's, costs one pass over the codes. A user
subscribed to calendars of two accounts therefore has ids of both; the stock template takes
the account from `rokt:account_code[0]` but joins every `rokt:subscription_id`, so its create
sends the second account's subscriptions to the first account's endpoint. The event is
created per account: those subscriptions do not get it from this request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial

from rokt_braze.targets.jsonpos import JsonDoc
from rokt_braze.targets.problem import Problem, problem, show
from rokt_braze.targets.rokt.routes import CREATE, REMOVE
from rokt_braze.targets.rokt.url import path_values

_EFFECT = {
    CREATE: ("a create reaches the URL's account only, so that subscription does not get the "
             "event; send each account's ids to its own account's URL"),
    REMOVE: ("the event is not removed from it; take the account code at the subscription "
             "id's index"),
}


def check_accounts(
    url: str, endpoint: str, doc: JsonDoc | None, attributes: Mapping[str, object]
) -> list[Problem]:
    """Every subscription id the request sends whose account is not the URL's."""
    if endpoint not in (CREATE, REMOVE):
        return []
    codes = attributes.get("rokt:account_code")
    if not isinstance(codes, list | tuple) or not codes:
        return []  # not Rokt's arrays: the template's own output shows what went wrong
    values = path_values(url, endpoint)
    code = values.get("accountCode", ("", 0))[0].casefold()
    if not code or _all_of(code, codes):
        return []  # every subscription is the URL account's: most users, most of the time
    accounts = _accounts(attributes.get("rokt:subscription_id"), codes)
    out = []
    for sent, field, offset, name in _sent_ids(doc, values):
        owner = accounts.get(sent.lower())
        if owner is None or owner[1].casefold() == code:
            continue
        index, other = owner
        message = (f"{name} {show(sent)} is a subscription of account {show(other)} "
                   f"(rokt:account_code[{index}]), not of "
                   f"{show(values['accountCode'][0])} in the URL: "
                   f"{_EFFECT[endpoint]}")  # fmt: skip
        out.append(problem("rokt-subscription-ids", message, field, offset))
    return out


def _all_of(code: str, codes: list[object] | tuple[object, ...]) -> bool:
    """Every entry of `codes` is of account `code` (case-folded)."""
    for entry in codes:
        if not isinstance(entry, str) or entry.partition("/")[0].casefold() != code:
            return False
    return True


def _accounts(ids: object, codes: list[object] | tuple[object, ...]
              ) -> dict[str, tuple[int, str]]:  # fmt: skip
    """Subscription id (lower case) -> (its index, its account code)."""
    if not isinstance(ids, list | tuple):
        return {}
    out: dict[str, tuple[int, str]] = {}
    for index, (sid, code) in enumerate(zip(ids, codes, strict=False)):
        if isinstance(sid, str) and isinstance(code, str):
            out.setdefault(sid.lower(), (index, account(code)))
    return out


def account(entry: str) -> str:
    """The account code of a `rokt:account_code` entry: the part before its
    `/xxxxxxxxxxxx` subscription key (account codes are URL-safe: no `/` of their own)."""
    return entry.partition("/")[0]


def _sent_ids(
    doc: JsonDoc | None, values: Mapping[str, tuple[str, int]]
) -> Iterator[tuple[str, str, int | Callable[[], int], str]]:
    """(id, field, offset, name in messages) of each subscription id the request sends."""
    if "subscriptionId" in values:
        sid, sid_at = values["subscriptionId"]
        yield sid, "url", sid_at, "subscriptionId"
        return
    root = doc.value if doc is not None else None
    ids = root.get("subscriptionIds") if isinstance(root, dict) else None
    if not isinstance(ids, list) or doc is None:
        return
    for index, sid in enumerate(ids):
        if isinstance(sid, str) and sid:
            at = partial(doc.value_offset, ("subscriptionIds", index))  # found when read
            yield sid, "body", at, f"subscriptionIds[{index}]"
