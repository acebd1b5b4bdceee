"""Personal data and who may see it: identity checks, masking, tokens and roles.

Imports only ``foundation``. Everything that shows or logs what a citizen said goes
through ``identity.mask_personal_data``; every staff request is signed in through
``auth``.

Public modules and functions:

- ``identity``: ``normalise_id_number``, ``normalise_phone``, ``plausible_name``,
  ``mask_id_number``, ``mask_phone``, ``mask_name``, ``mask_personal_data``.
- ``auth``: ``create_token(session, role, name)``, ``authenticate(session, token)``.
- ``models``: ``ApiToken``, ``ROLES``.
"""
