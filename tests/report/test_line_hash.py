"""`primaryLocationLineHash` as GitHub's upload-sarif action computes it.

Two oracles: the expected values published with the action's own tests
(github/codeql-action, `src/fingerprints.test.ts`), and a direct computation written
here from the algorithm's definition (a polynomial over each line's next 100
characters), not as a rolling hash.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rokt_braze.report.line_hash import line_hashes

REPO = Path(__file__).resolve().parents[2]

#: input -> expected hashes, line by line (from the action's test suite)
PUBLISHED = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d",
     ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
     ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1",
      "c6805c5e1288b612:1", "b86d3392aea1be30:1", "e6ceba753e1a442:1"]),
]
ENDED = ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1",
         "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
         "c129715d7a2bc9a3:1"]
PUBLISHED += [(text, ENDED) for text in (
    " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
    " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
    " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
    " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
)]
PUBLISHED.append(("Lorem ipsum dolor sit amet.\n" * 10, [
    *(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)),
    "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1",
    "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"]))


@pytest.mark.parametrize(("text", "expected"), PUBLISHED)
def test_the_actions_published_values(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == dict(enumerate(expected, start=1))


def direct(text: str) -> dict[int, str]:
    """The definition, computed head-on: normalise the text to UTF-16 units (spaces and
    tabs dropped, CR/CRLF -> LF), append the 65535 sentinel and 100 zeros; a line's hash
    is sum(unit[k] * 37**(99 - k)) over the 100 units from its first one, modulo 2**64."""
    raw = text.encode("utf-16-le")
    units = [raw[i] | raw[i + 1] << 8 for i in range(0, len(raw), 2)]
    stream: list[int] = []
    starts: list[int] = []
    new_line, after_cr = True, False
    for unit in [*units, 65535]:
        if unit in (9, 32):
            after_cr = False
            continue
        if after_cr and unit == 10:
            after_cr = False
            continue
        after_cr = unit == 13
        if new_line:
            starts.append(len(stream))
        stream.append(10 if unit == 13 else unit)
        new_line = stream[-1] == 10
    stream += [0] * 100
    counts: dict[int, int] = {}
    out = {}
    for line, start in enumerate(starts, start=1):
        value = sum(u * 37 ** (99 - k) for k, u in enumerate(stream[start:start + 100]))
        value %= 2 ** 64
        counts[value] = counts.get(value, 0) + 1
        out[line] = f"{value:x}:{counts[value]}"
    return out


def test_the_stock_template_matches_the_direct_computation() -> None:
    for path in sorted((REPO / "templates").glob("*.webhook.yaml")):
        text = path.read_text(encoding="utf-8")
        hashes = line_hashes(text)
        assert hashes == direct(text)
        assert len(hashes) == text.count("\n") + 1


def test_long_lines_astral_characters_and_odd_line_ends() -> None:
    text = "x" * 250 + "\r\n\t😀 é\r \n\n" + "y" * 99 + "\r"
    assert line_hashes(text) == direct(text)


@given(st.text(alphabet=st.sampled_from(list("ab \t\r\n{}%😀é")), max_size=300))
def test_any_text_matches_the_direct_computation(text: str) -> None:
    assert line_hashes(text) == direct(text)
