"""Field encryption, lookup hashes and the encrypted column type."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select, text
from sqlalchemy.exc import StatementError

from privacy.columns import EncryptedText, current_cipher, set_cipher_provider
from privacy.encryption import (
    DecryptionError,
    EncryptionError,
    FieldCipher,
    derive_key,
    generate_key,
    load_key,
    lookup_hash,
    normalise_for_lookup,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(KEY)


def _altered(token: str, at: int) -> str:
    """The token with one bit of its decoded bytes flipped at byte ``at``."""
    body = token[3:]
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[at] ^= 0x01
    return "v1:" + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


@pytest.mark.parametrize(
    "value",
    ["13800001234", "310104199001011233", "张伟", "", "阿卜杜·热合曼 😀", "x" * 5000],
)
def test_field_cipher_round_trips_text(cipher, value):
    assert cipher.decrypt(cipher.encrypt(value)) == value


def test_field_cipher_token_is_versioned_ascii_without_the_clear_value(cipher):
    token = cipher.encrypt("13800001234")
    assert token.startswith("v1:") and token.isascii() and "=" not in token
    assert "13800001234" not in token
    # nonce (12) + 11 bytes + tag (16) = 39 bytes, 52 base64 characters
    assert len(token) == 3 + 52


def test_field_cipher_gives_a_different_token_each_time(cipher):
    tokens = {cipher.encrypt("13800001234") for _ in range(20)}
    assert len(tokens) == 20


@pytest.mark.parametrize("at", [0, 11, 12, 20, -1])  # nonce, ciphertext, tag
def test_field_cipher_refuses_a_tampered_token(cipher, at):
    token = cipher.encrypt("310104199001011233")
    with pytest.raises(DecryptionError, match="altered"):
        cipher.decrypt(_altered(token, at))


def test_field_cipher_refuses_a_truncated_token(cipher):
    token = cipher.encrypt("310104199001011233")
    with pytest.raises(DecryptionError):
        cipher.decrypt(token[:-4])


def test_field_cipher_refuses_a_token_under_another_key(cipher):
    token = FieldCipher(OTHER_KEY).encrypt("13800001234")
    with pytest.raises(DecryptionError, match="another key"):
        cipher.decrypt(token)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("13800001234", "not an encrypted token"),
        ("", "not an encrypted token"),
        ("v2:AAAA", "version 'v2' is not supported"),
        ("v1:@@@@", "not valid base64"),
        ("v1:" + "A" * 20, "too short"),
    ],
)
def test_field_cipher_refuses_malformed_tokens(cipher, token, message):
    with pytest.raises(DecryptionError, match=message):
        cipher.decrypt(token)


def test_field_cipher_reads_tokens_under_a_previous_key():
    old_token = FieldCipher(OTHER_KEY).encrypt("张伟")
    rotated = FieldCipher(KEY, previous_keys=[OTHER_KEY])
    assert rotated.decrypt(old_token) == "张伟"
    assert FieldCipher(KEY).decrypt(rotated.encrypt("张伟")) == "张伟"


def test_field_cipher_accepts_a_base64_key():
    encoded = base64.b64encode(KEY).decode()
    urlsafe = base64.urlsafe_b64encode(KEY).decode().rstrip("=")
    assert FieldCipher(encoded).decrypt(FieldCipher(urlsafe).encrypt("a")) == "a"


@pytest.mark.parametrize(
    "key", [b"short", bytes(16), bytes(33), "not base64!", generate_key()[:20], ""]
)
def test_load_key_refuses_keys_that_are_not_32_bytes(key):
    with pytest.raises(EncryptionError):
        load_key(key)


def test_generate_key_gives_32_random_bytes_in_base64():
    first, second = generate_key(), generate_key()
    assert first != second
    assert len(load_key(first)) == 32


def test_field_cipher_repr_shows_no_key():
    assert KEY.hex() not in repr(FieldCipher(KEY)) and "0, 1, 2" not in repr(
        FieldCipher(KEY)
    )


def test_derive_key_gives_a_different_key_per_purpose():
    encryption, lookup = derive_key(KEY, "field-encryption"), derive_key(KEY, "lookup")
    assert len(encryption) == len(lookup) == 32
    assert encryption != lookup and encryption != KEY
    assert derive_key(base64.b64encode(KEY).decode(), "lookup") == lookup


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("13800001234", "138 0000 1234"),
        ("13800001234", "138-0000-1234"),
        ("13800001234", "+86 138 0000 1234"),
        ("13800001234", "１３８００００１２３４"),
        ("11010519491231002X", "11010519491231002x"),
        ("11010519491231002X", "110105 19491231 002x"),
        ("310104199001011233", "３１０１０４１９９００１０１１２３３"),
        ("021-62345678", "021 6234 5678"),
        ("Zhang Wei", "zhang wei"),
    ],
)
def test_lookup_hash_is_equal_for_one_value_however_written(first, second):
    assert lookup_hash(first, KEY) == lookup_hash(second, KEY)


def test_lookup_hash_differs_between_values_and_between_keys():
    assert lookup_hash("13800001234", KEY) != lookup_hash("13800001235", KEY)
    assert lookup_hash("13800001234", KEY) != lookup_hash("13800001234", OTHER_KEY)


def test_lookup_hash_is_hmac_sha256_of_the_normalised_value():
    expected = hmac.new(KEY, b"13800001234", hashlib.sha256).hexdigest()
    assert lookup_hash("+86 138-0000-1234", KEY) == expected
    assert len(expected) == 64


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("+86 138 0000 1234", "13800001234"),
        ("11010519491231002x", "11010519491231002X"),
        ("(021) 6234-5678", "(021)62345678"),
        ("Zhang Wei", "ZHANGWEI"),
    ],
)
def test_normalise_for_lookup_keeps_only_what_identifies(value, normalised):
    assert normalise_for_lookup(value) == normalised


# --- EncryptedText on a real SQLite table ----------------------------------------------


@pytest.fixture
def people():
    """A table with an encrypted column in a fresh SQLite database, and the cipher."""
    metadata = MetaData()
    table = Table(
        "people",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("phone", EncryptedText),
    )
    engine = create_engine("sqlite://", future=True)
    metadata.create_all(engine)
    cipher = FieldCipher(KEY)
    previous = set_cipher_provider(lambda: cipher)
    yield engine, table
    # The settings' cipher again, which the rest of the run's tables are under.
    set_cipher_provider(previous)
    engine.dispose()


def test_encrypted_text_round_trips_through_the_database(people):
    engine, table = people
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [{"id": 1, "phone": "13800001234"}, {"id": 2, "phone": None}],
        )
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.phone).order_by(table.c.id)).all()
        stored = connection.execute(text("SELECT phone FROM people WHERE id = 1"))
        raw = stored.scalar_one()
    assert [row.phone for row in rows] == ["13800001234", None]
    assert raw.startswith("v1:") and "13800001234" not in raw
    assert FieldCipher(KEY).decrypt(raw) == "13800001234"


def test_encrypted_text_refuses_a_value_altered_in_the_database(people):
    engine, table = people
    with engine.begin() as connection:
        connection.execute(table.insert(), {"id": 1, "phone": "13800001234"})
        raw = connection.execute(text("SELECT phone FROM people")).scalar_one()
        connection.execute(
            text("UPDATE people SET phone = :phone"), {"phone": _altered(raw, 20)}
        )
    with engine.connect() as connection, pytest.raises(DecryptionError):
        connection.execute(select(table.c.phone)).all()


def test_encrypted_text_refuses_comparison_with_a_value_but_allows_is_null(people):
    engine, table = people
    with pytest.raises(EncryptionError, match="lookup hash"):
        select(table).where(table.c.phone == "13800001234")
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"id": 1, "phone": None}])
        nulls = connection.execute(select(table.c.id).where(table.c.phone.is_(None)))
        assert nulls.scalars().all() == [1]


def test_encrypted_text_without_a_cipher_refuses_to_write(people):
    engine, table = people
    set_cipher_provider(None)
    with pytest.raises(EncryptionError, match="set_cipher_provider"):
        current_cipher()
    with engine.begin() as connection, pytest.raises(StatementError) as raised:
        connection.execute(table.insert(), {"id": 1, "phone": "13800001234"})
    assert isinstance(raised.value.orig, EncryptionError)
