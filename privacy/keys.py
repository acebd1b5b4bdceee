"""The keys personal fields are encrypted and hashed under, taken from the settings.

One master key, ``HOTLINE_FIELD_KEY`` (32 random bytes in base64), gives two unrelated
keys by HKDF-SHA256 (``privacy.encryption.derive_key``), so that settings hold a single
secret and one derived key tells nothing of the other:

- ``"field-encryption"``: the AES-256-GCM key of ``field_cipher``, which every
  ``privacy.columns.EncryptedText`` column uses unless told otherwise;
- ``"lookup-hash"``: the HMAC-SHA256 key of ``personal_hash``, the keyed hash stored
  beside an encrypted phone or ID number so that a record can be found by it.

Outside dev the settings refuse to start without the key. In dev, unset, the master is
derived from ``HOTLINE_SECRET_KEY`` (its SHA-256, then HKDF for ``"field-key"``), so a
fresh clone runs with no configuration; the dev data is then only as secret as that
secret key, which is a placeholder until set.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from foundation.settings import Settings, get_settings
from privacy.encryption import FieldCipher, derive_key, load_key, lookup_hash


@dataclass(frozen=True)
class _Keys:
    cipher: FieldCipher
    lookup: bytes


def field_cipher(settings: Settings | None = None) -> FieldCipher:
    """The cipher of the personal fields, under the settings' field key."""
    return _keys_of(settings or get_settings()).cipher


def lookup_key(settings: Settings | None = None) -> bytes:
    """The key of the personal fields' lookup hashes (not the encryption key)."""
    return _keys_of(settings or get_settings()).lookup


def personal_hash(value: str | None, settings: Settings | None = None) -> str | None:
    """The lookup hash stored beside an encrypted phone or ID number; None for None.

    Equal for one value however written (``privacy.encryption.normalise_for_lookup``):
    ``"+86 138-0000-1234"`` hashes as ``"13800001234"``.
    """
    return None if value is None else lookup_hash(value, lookup_key(settings))


def _keys_of(settings: Settings) -> _Keys:
    field_key = settings.field_key
    return _keys(
        field_key.get_secret_value() if field_key is not None else None,
        settings.secret_key,
    )


# Called on every encrypted value read or written: the keys are derived once.
@functools.lru_cache(maxsize=4)
def _keys(field_key: str | None, secret_key: str) -> _Keys:
    master = (
        load_key(field_key)
        if field_key is not None
        else derive_key(
            hashlib.sha256(secret_key.encode("utf-8")).digest(), "field-key"
        )
    )
    return _Keys(
        cipher=FieldCipher(derive_key(master, "field-encryption")),
        lookup=derive_key(master, "lookup-hash"),
    )
