"""PIN hashing and badge tokens (attendance.pins)."""

from __future__ import annotations

import hashlib
import re

import pytest

from attendance.pins import (
    badge_payload,
    badge_token_hash,
    hash_pin,
    is_pin_hash,
    new_badge_token,
    token_from_payload,
    validate_pin,
    verify_pin,
)


@pytest.mark.parametrize("pin", ["2580", "7391", "04719", "83920175", "1357"])
def test_acceptable_pins_pass(pin: str) -> None:
    validate_pin(pin)


@pytest.mark.parametrize(
    ("pin", "message"),
    [
        ("123", "4 to 8 digits"),
        ("123456789", "4 to 8 digits"),
        ("12a4", "4 to 8 digits"),
        ("١٢٣٤", "4 to 8 digits"),  # Arabic-Indic digits: isdigit() but not ASCII
        ("", "4 to 8 digits"),
        ("0000", "too easy"),
        ("99999999", "too easy"),
        ("1234", "too easy"),
        ("0123456", "too easy"),
        ("9876", "too easy"),
        ("1212", "too easy"),
        ("474747", "too easy"),
    ],
)
def test_bad_pins_are_refused_with_a_clear_message(pin: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_pin(pin)


def test_hash_is_self_describing_salted_and_verifies() -> None:
    first, second = hash_pin("2580"), hash_pin("2580")
    assert re.fullmatch(r"scrypt\$n=16384,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+", first)
    assert first != second  # random salt
    assert "2580" not in first
    assert verify_pin("2580", first) and verify_pin("2580", second)
    assert not verify_pin("2581", first)
    assert not verify_pin("", first)
    assert not verify_pin("25800", first)
    assert not verify_pin("abcd", first)
    assert is_pin_hash(first)


def test_hash_pin_refuses_a_trivial_pin() -> None:
    with pytest.raises(ValueError, match="too easy"):
        hash_pin("1111")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "2580",
        "bcrypt$n=16384,r=8,p=1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5aw==",
        "scrypt$n=16384,r=8$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5aw==",
        "scrypt$n=1000,r=8,p=1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5aw==",  # not a power of 2
        "scrypt$n=4194304,r=8,p=1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5aw==",  # too costly
        "scrypt$n=16384,r=8,p=1$!!$a2V5a2V5a2V5a2V5a2V5aw==",
    ],
)
def test_malformed_stored_hash_is_a_value_error(stored: str) -> None:
    assert not is_pin_hash(stored)
    with pytest.raises(ValueError):
        verify_pin("2580", stored)


def test_badge_tokens_are_random_url_safe_and_long() -> None:
    tokens = {new_badge_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", token)  # 32 bytes = 256 bits


def test_badge_hash_is_sha256_hex_of_the_token() -> None:
    token = new_badge_token()
    assert badge_token_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert badge_token_hash(f" {token}\n") == badge_token_hash(token)
    assert token not in badge_token_hash(token)


def test_badge_payload_round_trips_and_other_qr_texts_are_ignored() -> None:
    token = new_badge_token()
    assert token_from_payload(badge_payload(token)) == token
    assert token_from_payload(badge_payload(token) + "\n") == token
    for other in ("https://example.org", token, "fa-badge:", "fa-badge:short",
                  "fa-badge:" + "a" * 200, "fa-badge:has spaces in the token text"):
        assert token_from_payload(other) is None
