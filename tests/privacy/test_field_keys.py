"""The field key from the settings: required outside dev, derived from the secret key in
dev; the cipher and the lookup hashes it gives; the hashes the models keep beside."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cases.models import Application, WorkOrder
from foundation.settings import Settings
from privacy.columns import current_cipher
from privacy.encryption import (
    DecryptionError,
    FieldCipher,
    derive_key,
    generate_key,
    load_key,
    lookup_hash,
)
from privacy.keys import field_cipher, lookup_key, personal_hash

TOKEN = "a-real-internal-token-of-32-chars-at-least"
KEY = generate_key()


def _production(**fields) -> Settings:
    return Settings(
        environment="production", secret_key="real", internal_token=TOKEN, **fields
    )


def test_settings_outside_dev_refuse_to_start_without_a_field_key():
    with pytest.raises(ValidationError, match="HOTLINE_FIELD_KEY"):
        _production()
    with pytest.raises(ValidationError, match="HOTLINE_FIELD_KEY"):
        _production(field_key="")


@pytest.mark.parametrize(
    "key",
    ["change-me", "not base64 at all!" * 3, generate_key()[:-8], "AAAA" * 12],
    ids=["words", "not-base64", "short", "36-bytes"],
)
def test_settings_refuse_a_field_key_that_is_not_32_bytes_of_base64(key):
    with pytest.raises(ValidationError, match="32 random bytes in base64"):
        _production(field_key=key)


def test_settings_outside_dev_take_a_generated_field_key():
    assert _production(field_key=KEY).field_key.get_secret_value() == KEY


def test_field_cipher_is_under_the_key_derived_from_the_field_key():
    token = field_cipher(_production(field_key=KEY)).encrypt("13800001234")
    assert FieldCipher(derive_key(KEY, "field-encryption")).decrypt(token) == (
        "13800001234"
    )
    with pytest.raises(DecryptionError):
        FieldCipher(KEY).decrypt(token)  # never the master key itself


def test_lookup_key_is_neither_the_field_key_nor_the_encryption_key():
    settings = _production(field_key=KEY)
    assert lookup_key(settings) == derive_key(KEY, "lookup-hash")
    assert lookup_key(settings) not in (
        derive_key(KEY, "field-encryption"),
        load_key(KEY),
    )


def test_dev_without_a_field_key_derives_one_from_the_secret_key():
    first = Settings(environment="dev", secret_key="one secret")
    same = Settings(environment="dev", secret_key="one secret")
    other = Settings(environment="dev", secret_key="another secret")
    token = field_cipher(first).encrypt("310104199001011233")
    assert field_cipher(same).decrypt(token) == "310104199001011233"
    with pytest.raises(DecryptionError):
        field_cipher(other).decrypt(token)
    assert lookup_key(first) != lookup_key(other)


def test_personal_hash_is_the_lookup_hash_of_the_normalised_value():
    settings = _production(field_key=KEY)
    assert personal_hash("+86 139-1234-5678", settings) == lookup_hash(
        "13912345678", derive_key(KEY, "lookup-hash")
    )
    assert personal_hash(None, settings) is None


def test_encrypted_columns_use_the_settings_cipher_unless_told_otherwise():
    token = current_cipher().encrypt("张伟")
    assert field_cipher().decrypt(token) == "张伟"


def test_work_order_keeps_the_hash_of_its_phone_beside_it():
    order = WorkOrder(contact_phone="13912345678")
    assert order.contact_phone_hash == personal_hash("139 1234 5678")
    order.contact_phone = None
    assert order.contact_phone_hash is None


def test_application_keeps_the_hashes_of_its_phone_and_id_number_beside_them():
    application = Application(id_number="11010519491231002X", phone="13912345678")
    assert application.id_number_hash == personal_hash("11010519491231002x")
    assert application.phone_hash == personal_hash("13912345678")
