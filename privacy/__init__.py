"""Personal data and who may see it: identity checks, masking, encryption at rest,
tokens and roles, and the audit log of staff access.

Imports only ``foundation``. Everything that shows or logs what a citizen said goes
through ``identity.mask_personal_data``; every staff request is signed in through
``auth``.

Public modules and functions:

- ``identity``: ``normalise_id_number``, ``normalise_phone``, ``plausible_name``,
  ``mask_id_number``, ``mask_phone``, ``mask_name``, ``mask_personal_data`` (which
  folds full-width text first and masks in place), ``find_personal_data``.
- ``encryption``: ``FieldCipher(key)`` (AES-256-GCM, versioned tokens),
  ``lookup_hash(value, key)`` (HMAC-SHA256 of the normalised value), ``generate_key``.
- ``columns``: ``EncryptedText``, a column type that encrypts on write and decrypts on
  read, under the settings' key unless ``set_cipher_provider`` says otherwise.
- ``keys``: ``field_cipher(settings)``, ``lookup_key(settings)``,
  ``personal_hash(value)``: the keys of ``HOTLINE_FIELD_KEY`` (in dev, derived from the
  secret key) and the lookup hash kept beside an encrypted phone or ID number.
- ``tracker_events``: ``seal_events``, ``unseal_event``, ``seal_stored_events``,
  ``PERSONAL_SLOTS``: what Rasa's tracker store keeps of a conversation (personal slots
  encrypted, texts masked) and what it gives back for the next turn.
- ``logs``: ``mask_personal_data_in_logs()``, called by each process as it starts:
  every log record masked as it is made.
- ``auth``: ``create_token(session, role, name, unit=None)`` (valid
  ``HOTLINE_TOKEN_TTL_DAYS``; a ``department`` token is scoped to its ``unit``),
  ``authenticate(session, token)`` (None for an unknown, expired or revoked token),
  ``list_tokens``, ``revoke_token``, ``Staff`` (who is signed in: token id, name, role,
  unit).
- ``chat_sessions``: ``new_session(channel)``, ``open_session(token, channel)`` (the
  signed session ids the gateway issues to chat clients, HMAC under a key derived from
  the secret key), ``wechat_session_id(openid)``, ``channel_of(session_id)``.
- ``audit``: ``record_access`` (who saw which personal fields of which record, when,
  from where), ``record_operator_access`` (an operator at the command line, who holds
  no token), ``query_access``.
- ``erasures``: ``record_erasure`` (the tombstone of an erasure: no clear personal
  data, the phone's keyed hash), ``erasures_of(session, phone)``.
- ``models``: ``ApiToken``, ``AccessRecord``, ``Erasure``, ``PurgeRun``, ``ROLES``,
  ``CENTRE_ROLES``, ``DEPARTMENT``, ``MANAGER``, ``EDITOR``, ``REVIEWER``,
  ``SUPERVISING_ROLES``, ``OPERATOR``.
"""
