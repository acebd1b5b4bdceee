"""Personal fields encrypted at rest, and keyed hashes to find them again.

Encryption, token version 1::

    token = "v1:" + base64url(nonce ‖ ciphertext ‖ tag)      (no "=" padding)

- AES-256-GCM: a 32-byte key, a fresh random 96-bit nonce for every value (two
  encryptions of one phone number never look alike), a 128-bit tag that makes any
  change to the token, or another key, fail loudly rather than decrypt to garbage.
- The version prefix is authenticated too (it is GCM's associated data), so a token
  cannot be passed off as another version's.
- Key rotation: ``FieldCipher(new, previous_keys=[old])`` encrypts under the new key and
  still reads tokens under the old ones; re-encrypting the rows is then a migration.
  Random nonces allow about 2**32 encryptions under one key.

Lookups: an encrypted column cannot be compared with a clear value, so a record that is
found by phone or ID number also stores ``lookup_hash(value, key)``, an HMAC-SHA256 of
the normalised value (``normalise_for_lookup``: a phone number's 11 digits, an ID
number upper-cased, spaces, dashes and full width ignored) under its own key, kept apart
from the encryption key so that one leaked key does not give away the other's use.

Keys are passed explicitly: ``bytes`` are the raw 32 bytes, ``str`` their base64 (as
``generate_key`` writes them for a settings file). The functions never read settings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from foundation.errors import HotlineError
from privacy.identity import fold_width, normalise_id_number, normalise_phone

KEY_BYTES = 32
_VERSION = "v1"
_PREFIX = _VERSION + ":"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_VERSIONED = re.compile(r"v[0-9]+:")


class EncryptionError(HotlineError):
    """A key that cannot be used, or a cipher that was never configured."""


class DecryptionError(EncryptionError):
    """A token that is not one, was altered, or was encrypted under another key."""


def generate_key() -> str:
    """A new random 32-byte key, base64 (URL-safe) encoded for a settings file."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def load_key(key: bytes | str) -> bytes:
    """The raw key: ``bytes`` as given, ``str`` decoded from base64 (URL-safe or
    standard, padding optional).

    Raises:
        EncryptionError: the key is not 32 bytes, or not base64.
    """
    if isinstance(key, str):
        text = key.strip()
        try:
            raw = base64.b64decode(
                text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4),
                validate=True,
            )
        except (binascii.Error, ValueError):
            raise EncryptionError("the key is not base64") from None
    else:
        raw = bytes(key)
    if len(raw) != KEY_BYTES:
        raise EncryptionError(f"the key must be {KEY_BYTES} bytes, not {len(raw)}")
    return raw


def derive_key(master: bytes | str, purpose: str) -> bytes:
    """A 32-byte key for one ``purpose`` ("field-encryption", "lookup-hash") from one
    master key, with HKDF-SHA256: settings then need to hold a single secret.

    Args:
        master: a 32-byte key, raw or base64.
        purpose: what the derived key is for; each purpose gets an unrelated key.
    """
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=None,
        info=b"hotline/" + purpose.encode("utf-8"),
    ).derive(load_key(master))


class FieldCipher:
    """Encrypts and decrypts one text field at a time with AES-256-GCM."""

    def __init__(self, key: bytes | str, *, previous_keys: Iterable[bytes | str] = ()):
        """
        Args:
            key: encrypts every new value and decrypts.
            previous_keys: only decrypt, for tokens written before a rotation.
        """
        self._current = AESGCM(load_key(key))
        self._readers = [self._current, *(AESGCM(load_key(k)) for k in previous_keys)]

    def __repr__(self) -> str:
        return f"FieldCipher({len(self._readers)} key(s))"

    def encrypt(self, text: str) -> str:
        """The token for ``text``; a new random nonce each time."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._current.encrypt(nonce, text.encode("utf-8"), _VERSION.encode())
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def decrypt(self, token: str) -> str:
        """The text inside a token from ``encrypt``.

        Raises:
            DecryptionError: the token is malformed, of an unknown version, was
                altered, or was encrypted under a key this cipher does not hold.
        """
        if not isinstance(token, str) or not token.startswith(_PREFIX):
            version = _VERSIONED.match(token) if isinstance(token, str) else None
            if version:
                raise DecryptionError(
                    f"token version {version.group()[:-1]!r} is not supported"
                )
            raise DecryptionError("not an encrypted token")
        body = token[len(_PREFIX) :]
        try:
            raw = base64.b64decode(
                body + "=" * (-len(body) % 4), altchars=b"-_", validate=True
            )
        except (binascii.Error, ValueError):
            raise DecryptionError("token is not valid base64") from None
        if len(raw) < _NONCE_BYTES + _TAG_BYTES:
            raise DecryptionError("token is too short")
        nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        for reader in self._readers:
            try:
                plain = reader.decrypt(nonce, sealed, _VERSION.encode())
            except InvalidTag:
                continue
            return plain.decode("utf-8")
        raise DecryptionError(
            "token failed authentication: it was altered, or encrypted under another key"
        )

    @staticmethod
    def is_token(value: str) -> bool:
        """Whether a stored value looks encrypted (a migration skips those)."""
        return value.startswith(_PREFIX)


def normalise_for_lookup(value: str) -> str:
    """The form a value is hashed in, so that equal values hash equal however written.

    A mobile number becomes its 11 digits (+86, spaces, dashes and full width dropped),
    an ID number its canonical 18 characters with an upper-case X; anything else (a
    name, a landline) is folded to ASCII width, stripped of spaces and dashes and
    upper-cased.
    """
    phone = normalise_phone(value)
    if phone:
        return phone
    id_number = normalise_id_number(value)
    if id_number:
        return id_number
    return re.sub(r"[\s\-]", "", fold_width(value)).upper()


def lookup_hash(value: str, key: bytes | str) -> str:
    """HMAC-SHA256 of the normalised value, as 64 hex digits.

    Args:
        value: a phone number, an ID number or another value found by equality.
        key: the lookup key (32 bytes, raw or base64), not the encryption key.
    """
    return hmac.new(
        load_key(key), normalise_for_lookup(value).encode("utf-8"), hashlib.sha256
    ).hexdigest()
