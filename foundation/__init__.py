"""What every process and every domain stands on, and nothing of the hotline's own.

Owns the settings, the database engine and how sessions are framed, the declarative
base and its Alembic migrations, the clock, the error hierarchy and how a process is
tuned. It imports no other package of the project; all of them may import it.

Public modules and functions:

- ``settings``: ``get_settings()``, the one ``HOTLINE_*`` settings object.
- ``db``: ``get_engine()``, ``session_scope(engine)``, ``statement_scope(engine)``.
- ``migrate``: ``upgrade(url)``, ``downgrade(url)``.
- ``orm``: ``Base``, the metadata every domain's tables share.
- ``clock``: ``now()``, the time everyone agrees on.
- ``errors``: ``HotlineError`` and its tree.
- ``lru``: ``LeastRecentlyUsed``; ``without_jax``: ``leave_out_jax()``.
- ``rasa_endpoints``: ``write_endpoints(path)``, Rasa's stores from the settings.
- ``internal_token``: ``internal_token(settings)``, ``HEADER``: the secret the gateway,
  Rasa and the action server show each other.
- ``topology``: ``embedded(settings, model=…)``, ``Production(…)``: every process's
  command, address, health check and settings, for ``hotline run``, ``harness/`` and
  the checks of ``deploy/``.
"""
