"""Hypothesis strategies for adversarial Braze user profiles (used by `rokt-braze fuzz`).

A template that works for the sample subscriber can break for the one user whose name holds a
quote, whose attribute is a string where an array was expected, or who has no subscription
left. These strategies draw such users in Braze user-export shape (the shape
`load_profiles` reads), so a profile Hypothesis finds can be written out as a test file.

What gets drawn is realistic where Braze or Rokt fix the format and hostile where users or
merchants type the text: Rokt writes `rokt:subscription_id` as an array of GUIDs and its other
attributes as `"<value>/<12 hex>"` arrays, with a URL-safe account code (the Rokt URL path segment),
so those keep their format and vary in shape (missing, null, empty array, a bare string
instead of an array, many elements) - a template cannot repair a malformed GUID, so drawing
one would only report noise. Free text (names, ids, the values inside Rokt's arrays, every
attribute this module knows nothing about) gets quotes, backslashes, control characters,
unicode, Liquid markup and huge values.

Every strategy shrinks towards "absent" or the plainest value, so a minimal failing profile
keeps only what the failure needs. Hypothesis is an optional extra: import this module only
where it is needed (`rokt_braze.profiles` does not import it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st

from rokt_braze.profiles.namespaces import NAMESPACE_KEYS, STANDARD_ATTRIBUTES
from rokt_braze.profiles.rokt import Subscription, custom_attributes

__all__ = [
    "BREAKERS",
    "NASTY_PIECES",
    "ODD_TIME_ZONES",
    "adversarial_text",
    "attribute_value",
    "generic_value",
    "profiles",
    "pushed_attributes",
    "standard_field",
    "subscriptions",
]

#: Pieces that break naive interpolation: JSON and URL syntax, Liquid markup, control and
#: invisible characters, non-ASCII (two-byte, astral, right-to-left).
NASTY_PIECES = (
    '"', "'", "\\", "\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\u2028", "\u00a0", "\u200b",
    "\ufeff", "\u202e", "é", "ß", "日本", "\U0001f600", "{{", "}}", "{%", "%}", "${", "<", ">",
    "&", "/", "?", "#", "%", "+", ",", " ", "\\u0000", '\\"',
)

#: The few characters behind most broken requests: the quote, backslash and control characters
#: that end or corrupt a JSON string, the apostrophe that ends a quoted Liquid or HTML value,
#: and U+2028, valid JSON but a line break to JavaScript.
BREAKERS = ('"', "\\", "\n", "\t", "\x00", "'", "\u2028")

#: Time zones at the edges: odd offsets, date-line, DST quirks, Windows and invalid names.
ODD_TIME_ZONES = (
    "UTC", "Etc/UTC", "America/New_York", "Asia/Kathmandu", "Asia/Kolkata", "Australia/Lord_Howe",
    "Pacific/Chatham", "Pacific/Kiritimati", "Pacific/Apia", "Etc/GMT+12", "Etc/GMT-14",
    "America/St_Johns", "Africa/Casablanca", "Europe/Dublin", "Antarctica/Troll",
    "Eastern Standard Time", "EST5EDT", "GMT+5", "+05:30", "Mars/Olympus_Mons", "",
)

#: Export field names of the standard attributes (the Liquid name where it differs:
#: `${user_id}` reads `external_id`, and so on - see `profiles.namespaces`).
_EXPORT_NAMES = {
    "user_id": "external_id", "email_address": "email", "phone_number": "phone",
    "date_of_birth": "dob", "city": "home_city", "random_bucket_number": "random_bucket",
}
_STANDARD_FIELDS = (
    "external_id", "braze_id", "first_name", "last_name", "email", "phone", "home_city",
    "country", "language", "gender", "time_zone", "dob",
)
_NAMESPACE_FIELD = {ns: ns for ns in NAMESPACE_KEYS} | {"custom_attribute": "custom_attributes"}
_GUID_ATTRIBUTE = "rokt:subscription_id"
_CODE_ATTRIBUTE = "rokt:account_code"
_HEX = "0123456789abcdef"


def adversarial_text(*, huge: bool = True) -> st.SearchStrategy[str]:
    """Free text a user or merchant could type: plain first, then hostile (and, when `huge`,
    sometimes thousands of characters long)."""
    any_char = st.characters(codec="utf-8")  # everything but lone surrogates
    plain = st.text(alphabet=st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")),
                    max_size=8)
    kinds = [
        plain,
        st.builds("{}{}{}".format, plain, st.sampled_from(BREAKERS), plain),
        st.lists(st.one_of(st.sampled_from(NASTY_PIECES), st.text(any_char, max_size=3)),
                 min_size=1, max_size=6).map("".join),
        st.text(any_char, max_size=16),
        st.sampled_from([" ", "\t", "  \n "]),  # blank but not empty
    ]
    if huge:
        kinds.append(st.builds(_repeat, st.text(any_char, min_size=1, max_size=4),
                               st.integers(min_value=1_000, max_value=5_000)))
    return st.one_of(kinds)


def _repeat(piece: str, times: int) -> str:
    """A huge value, cheaply: Hypothesis only draws the piece and the count."""
    return piece * times


def generic_value() -> st.SearchStrategy[Any]:
    """Any value an attribute of unknown type may hold in an export."""
    scalars = st.one_of(
        adversarial_text(huge=False),
        st.integers(),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.datetimes().map(lambda d: d.isoformat(timespec="milliseconds") + "Z"),  # a time
    )
    keys = st.text(alphabet=st.sampled_from("abcxyz_"), min_size=1, max_size=4)
    return st.one_of(
        adversarial_text(),
        scalars,
        st.lists(scalars, max_size=4),
        st.dictionaries(keys, scalars, max_size=3),
        st.none(),
    )


def _guid() -> st.SearchStrategy[str]:
    return st.uuids().map(str)


def _suffix() -> st.SearchStrategy[str]:
    return st.text(alphabet=_HEX, min_size=12, max_size=12)


def _shapes(
    element: st.SearchStrategy[str],
    *,
    unique: bool = False,
    small: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Any]:
    """The shapes a Rokt array attribute takes: one or a few values, none, many, a bare
    string instead of an array, null. `small` draws the elements of the long arrays (a huge
    array of huge strings tests nothing more and is slow to draw)."""
    return st.one_of(
        st.lists(element, min_size=1, max_size=3, unique=unique),
        st.just([]),
        element,
        st.none(),
        st.lists(element if small is None else small, min_size=20, max_size=60, unique=unique),
    )


def attribute_value(name: str) -> st.SearchStrategy[Any]:
    """Values of custom attribute `name`: Rokt's own keep their format, others are anything."""
    if name == _GUID_ATTRIBUTE:
        return _shapes(_guid(), unique=True)
    if name == _CODE_ATTRIBUTE:
        code = st.from_regex(r"[A-Za-z0-9-]{1,24}", fullmatch=True)
        return _shapes(st.builds(_suffixed, code, _suffix()))
    if name.startswith("rokt:"):
        return _shapes(st.builds(_suffixed, adversarial_text(), _suffix()),
                       small=st.builds(_suffixed, adversarial_text(huge=False), _suffix()))
    return generic_value()


def _suffixed(value: str, suffix: str) -> str:
    return f"{value}/{suffix}"


def standard_field(name: str) -> st.SearchStrategy[Any]:
    """Values of a standard profile field, by export name."""
    text = adversarial_text()
    special: dict[str, st.SearchStrategy[Any]] = {
        "braze_id": st.text(alphabet=_HEX, min_size=24, max_size=24),
        "email": st.one_of(text, st.builds("{}@example.com".format, text)),
        "country": st.one_of(st.sampled_from(["US", "GB", "NO", "ZZ", ""]), text),
        "language": st.one_of(st.sampled_from(["en", "pt-BR", "zh-Hant", ""]), text),
        "gender": st.one_of(st.sampled_from(["M", "F", "O", "N", "P", ""]), text),
        "time_zone": st.one_of(st.sampled_from(ODD_TIME_ZONES), text),
        "dob": st.one_of(st.dates().map(lambda d: d.isoformat()), text),
        "random_bucket": st.integers(min_value=0, max_value=9999),
    }
    return special.get(name, text)


def profiles(reads: Iterable[tuple[str | None, str]] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """Export-shaped users for a template that reads `reads`: (namespace, name) pairs, the
    namespace None for a standard attribute (`${first_name}` -> (None, "first_name")).

    Each standard field and each attribute read may be absent; namespaces nobody reads are
    left out. Reads of names Braze does not define (`${nonsense}`, `foo.${x}`) are ignored:
    no profile field could change what they render.
    """
    standard = dict.fromkeys(_STANDARD_FIELDS)
    spaces: dict[str, dict[str, None]] = {}
    for namespace, name in reads:
        if namespace is None and name in STANDARD_ATTRIBUTES:
            standard.setdefault(_EXPORT_NAMES.get(name, name))
        elif namespace in _NAMESPACE_FIELD:
            spaces.setdefault(_NAMESPACE_FIELD[namespace], {}).setdefault(name)
    optional: dict[str, st.SearchStrategy[Any]] = {
        name: standard_field(name) for name in standard
    }
    for key, names in spaces.items():
        values = {
            name: attribute_value(name) if key == "custom_attributes" else generic_value()
            for name in names
        }
        optional[key] = st.fixed_dictionaries({}, optional=values)
        if key == "custom_attributes" and any(name.startswith("rokt:") for name in names):
            optional[key] = st.one_of(optional[key], pushed_attributes(names))
    return st.fixed_dictionaries({}, optional=optional)


def subscriptions() -> st.SearchStrategy[list[Subscription]]:
    """One to four subscriptions as Rokt pushes them, over one or two accounts and
    calendars: the shape of a user who subscribed more than once."""
    accounts = st.sampled_from([("acme", "Acme Games"), ("zenith", "Zenith Live")])
    calendars = st.sampled_from([("fixtures", "Fixtures"), ("tickets", "Ticket Sales")])

    def build(account: tuple[str, str], calendar: tuple[str, str], sub_id: str, method: str,
              email: str, opt_in: bool) -> Subscription:
        return Subscription(
            subscription_id=sub_id, account_code=account[0], account_id=f"{account[0]}-id",
            account_name=account[1], calendar_code=f"{account[0]}-{calendar[0]}",
            calendar_id=f"{calendar[0]}-id", calendar_title=calendar[1], method=method,
            email=email, opt_in1=opt_in,
        )

    one = st.builds(build, accounts, calendars, _guid(), st.sampled_from(["WebCal", "Google"]),
                    st.one_of(st.just(""), adversarial_text(huge=False)), st.booleans())
    return st.lists(one, min_size=1, max_size=4, unique_by=lambda s: s.subscription_id)


def pushed_attributes(names: Iterable[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Custom attributes exactly as the fake Rokt's pushes leave them (`profiles.rokt`),
    for the `rokt:` names read: several subscriptions, some perhaps unsubscribed again
    (all of them: every array is empty); other names get any value."""
    names = list(names)
    others = {name: generic_value() for name in names if not name.startswith("rokt:")}

    def build(subs: list[Subscription], removed: int, rest: dict[str, Any]) -> dict[str, Any]:
        pushed = custom_attributes(subs)
        gone = custom_attributes(subs[:removed])
        kept = {k: [v for v in values if v not in gone.get(k, [])]
                for k, values in pushed.items() if k in names}
        return {**kept, **rest}

    return st.builds(build, subscriptions(), st.integers(min_value=0, max_value=4),
                     st.fixed_dictionaries({}, optional=others))
