"""Personal data and who may see it: identity checks, masking, tokens and roles, and the
audit log of staff access.

Imports only ``foundation``. Everything that shows or logs what a citizen said goes
through ``identity.mask_personal_data``; every staff request is signed in through
``auth``.

Public modules and functions:

- ``identity``: ``normalise_id_number``, ``normalise_phone``, ``plausible_name``,
  ``mask_id_number``, ``mask_phone``, ``mask_name``, ``mask_personal_data`` (which
  folds full-width text first and masks in place), ``find_personal_data``.
- ``encryption``: ``FieldCipher(key)`` (AES-256-GCM, versioned tokens),
  ``lookup_hash(value, key)`` (HMAC-SHA256 of the normalised value), ``generate_key``.
- ``columns``: ``EncryptedText``, a column type that encrypts on write.
- ``auth``: ``create_token(session, role, name, unit=None)`` (valid
  ``HOTLINE_TOKEN_TTL_DAYS``; a ``department`` token is scoped to its ``unit``),
  ``authenticate(session, token)`` (None for an unknown, expired or revoked token),
  ``list_tokens``, ``revoke_token``, ``Staff`` (who is signed in: token id, name, role,
  unit).
- ``audit``: ``record_access`` (who saw which personal fields of which record, when,
  from where), ``query_access``.
- ``models``: ``ApiToken``, ``AccessRecord``, ``ROLES``, ``CENTRE_ROLES``,
  ``DEPARTMENT``, ``SUPERVISING_ROLES``.
"""
