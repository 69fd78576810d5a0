"""Property: a synthetic MAC is the prefix then the seed's SHA-1, as text two hex digits at a time (the
obvious spelling, which :func:`synthetic_mac` writes out in C)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _deep import examples
from vinfra.network.endpoints import synthetic_mac


def _spelled(seed: str, prefix: bytes) -> str:
    digest = hashlib.sha1(seed.encode()).hexdigest()
    text = prefix.hex() + digest[: 12 - 2 * len(prefix)]
    return ":".join(text[i:i + 2] for i in range(0, 12, 2))


@pytest.mark.deep
@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=40), st.sampled_from([b"\x02", b"\x00\x50\x56"]))
def test_synthetic_mac_is_the_prefix_and_the_seeds_digest(seed: str, prefix: bytes) -> None:
    assert synthetic_mac(seed, prefix) == _spelled(seed, prefix)
