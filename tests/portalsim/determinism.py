"""Deterministic randomness and identifiers.

Every random choice is drawn from a generator keyed by the world seed *and* by what is being
generated (portal, unit, year...), so adding scale portals or reordering code never changes
the content of the four seed portals.
"""

from __future__ import annotations

import hashlib
import random

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def rng_for(seed: int, *keys: object) -> random.Random:
    """A generator that depends only on the seed and the keys."""
    material = "\x1f".join([str(seed), *map(str, keys)]).encode()
    return random.Random(int.from_bytes(hashlib.sha256(material).digest()[:8], "big"))


def stable_hash(*keys: object) -> int:
    """A process-independent hash (Python's hash() is salted per process)."""
    material = "\x1f".join(map(str, keys)).encode()
    return int.from_bytes(hashlib.blake2b(material, digest_size=8).digest(), "big")


def hex_name(*keys: object) -> str:
    """32 hex digits, the form Hanweb uses for stored attachment names."""
    return hashlib.md5("\x1f".join(map(str, keys)).encode()).hexdigest()


def org_code(rng: random.Random) -> str:
    """A 9-character organisation code with its GB 11714 check digit."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    remainder = 11 - sum(int(d) * w for d, w in zip(body, _ORG_WEIGHTS)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return body + check


def credit_code(kind_prefix: str, region: str, org: str) -> str:
    """An 18-character unified social credit code (GB 32100) with a valid check character.

    ``kind_prefix`` is "11" for government bodies and "12" for public institutions.
    """
    body = f"{kind_prefix}{region}{org}"
    assert len(body) == 17, body
    total = sum(_CREDIT_CHARS.index(ch) * w for ch, w in zip(body, _CREDIT_WEIGHTS))
    return body + _CREDIT_CHARS[(31 - total % 31) % 31]


def credit_code_is_valid(code: str) -> bool:
    return len(code) == 18 and credit_code(code[:2], code[2:8], code[8:17]) == code
