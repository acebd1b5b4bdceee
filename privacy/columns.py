"""A column type that keeps a personal field encrypted in the database.

A model declares ``phone = Column(EncryptedText)``; the ORM and Core then read and write
clear text, while the table holds ``privacy.encryption`` tokens. The cipher is not known
when models are imported, so the type asks a provider for it on each use. The provider
is ``privacy.keys.field_cipher``, the cipher under the settings' ``HOTLINE_FIELD_KEY``,
from the start: every process that maps the models (the gateway, the action server,
the command line, the worker, migrations, tests, benchmarks) encrypts under the key its
settings name without having to remember to say so. ``set_cipher_provider`` puts
another in its place (a test's own key), or none, which refuses every read and write::

    previous = set_cipher_provider(lambda: FieldCipher(key))

An encrypted column cannot be compared with a value (each encryption differs): store a
``lookup_hash`` beside it and filter on that. Comparing anyway raises at once rather
than silently finding nothing; ``IS NULL`` is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators
from sqlalchemy.types import Text, TypeDecorator

from privacy.encryption import EncryptionError, FieldCipher
from privacy.keys import field_cipher


def _settings_cipher() -> FieldCipher:
    return field_cipher()


_provider: Callable[[], FieldCipher] | None = _settings_cipher

# The only comparisons that need no clear value.
_NULL_TESTS = frozenset({operators.is_, operators.is_not})


def set_cipher_provider(
    provider: Callable[[], FieldCipher] | None,
) -> Callable[[], FieldCipher] | None:
    """Tell every ``EncryptedText`` column where its cipher comes from (None: nowhere).

    Args:
        provider: called on each read and write; cache the cipher inside it.

    Returns:
        The provider it replaces, to put back (the settings' cipher at first).
    """
    global _provider
    previous, _provider = _provider, provider
    return previous


def current_cipher() -> FieldCipher:
    """The cipher of the current provider.

    Raises:
        EncryptionError: the provider was taken away (``set_cipher_provider(None)``).
    """
    if _provider is None:
        raise EncryptionError(
            "no field cipher: privacy.columns.set_cipher_provider was given None"
        )
    return _provider()


class EncryptedText(TypeDecorator[str]):
    """Text encrypted on the way in and decrypted on the way out."""

    impl = Text
    # The type holds no state of its own: statements using it may be cached.
    cache_ok = True

    class Comparator(TypeDecorator.Comparator):  # type: ignore[type-arg]
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op not in _NULL_TESTS and not all(value is None for value in other):
                raise EncryptionError(
                    "an encrypted column cannot be compared with a value; "
                    "filter on its lookup hash"
                )
            return super().operate(op, *other, **kwargs)

    comparator_factory = Comparator

    # SQLAlchemy 1.4 also runs this for literals rendered into SQL (literal_binds).
    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else current_cipher().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else current_cipher().decrypt(value)
