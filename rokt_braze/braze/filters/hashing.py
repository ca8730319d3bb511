"""Braze's digest and HMAC filters (`md5`, `sha1`, `sha2`, `hmac_*`).

Braze hashes the UTF-8 bytes of the input's Liquid text. Hex output is lower case, base64 is
standard (with `+`, `/` and padding), as in Braze's documented examples.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

from rokt_braze.braze.filters._text import to_text


def _digest(algorithm: str) -> Callable[[object], str]:
    def digest_filter(value: object) -> str:
        return hashlib.new(algorithm, to_text(value).encode("utf-8")).hexdigest()

    digest_filter.__name__ = digest_filter.__qualname__ = algorithm
    digest_filter.__doc__ = f"Return the hex {algorithm} digest of the input's text."
    return digest_filter


def _signature(value: object, key: object, algorithm: str) -> bytes:
    return hmac.new(
        to_text(key).encode("utf-8"), to_text(value).encode("utf-8"), algorithm
    ).digest()


def _hmac_hex(algorithm: str) -> Callable[[object, object], str]:
    def hmac_hex_filter(value: object, key: object) -> str:
        return _signature(value, key, algorithm).hex()

    hmac_hex_filter.__name__ = hmac_hex_filter.__qualname__ = f"hmac_{algorithm}_hex"
    hmac_hex_filter.__doc__ = (
        f"Return the HMAC-{algorithm} of the input, keyed by the argument, as hex."
    )
    return hmac_hex_filter


def _hmac_base64(algorithm: str) -> Callable[[object, object], str]:
    def hmac_base64_filter(value: object, key: object) -> str:
        return base64.b64encode(_signature(value, key, algorithm)).decode("ascii")

    hmac_base64_filter.__name__ = hmac_base64_filter.__qualname__ = f"hmac_{algorithm}_base64"
    hmac_base64_filter.__doc__ = (
        f"Return the HMAC-{algorithm} of the input, keyed by the argument, as base64."
    )
    return hmac_base64_filter


md5 = _digest("md5")
sha1 = _digest("sha1")
sha2 = _digest("sha256")  # Braze: "sha2 (256-bit, also known as SHA-256)"
hmac_sha1_hex = _hmac_hex("sha1")
hmac_sha1_base64 = _hmac_base64("sha1")
# Braze lists `hmac_sha256` and `hmac_sha512` without saying how they encode; Shopify's
# `hmac_sha256` is hex, and hex is what the `_hex` twins do, so both are hex here.
hmac_sha256_hex = _hmac_hex("sha256")
hmac_sha256_base64 = _hmac_base64("sha256")
hmac_sha512_hex = _hmac_hex("sha512")

FILTERS: dict[str, Callable[..., object]] = {
    "md5": md5,
    "sha1": sha1,
    "sha2": sha2,
    "hmac_sha1_hex": hmac_sha1_hex,
    "hmac_sha1": hmac_sha1_hex,  # the old name, still accepted
    "hmac_sha1_base64": hmac_sha1_base64,
    "hmac_sha256": hmac_sha256_hex,
    "hmac_sha256_hex": hmac_sha256_hex,
    "hmac_sha256_base64": hmac_sha256_base64,
    "hmac_sha512": hmac_sha512_hex,
}
