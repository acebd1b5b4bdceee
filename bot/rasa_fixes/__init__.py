"""Fixes to Rasa 3.6.21's cost per message, memory and start, one module per area.

``registry.py`` lists every fix in ``FIXES``: the Rasa attributes whose work it does,
and whether it lives in a subclass that ``config.yml`` or the endpoints file names
(``bot/components/``, ``bot/tracker_store.py``) or, where no extension point of Rasa's
reaches, is a patch that ``python -m bot.server`` installs. The areas:

- ``actions_endpoint``: action answers validated once compiled, connections kept;
- ``tensorflow_models``: models loaded for prediction only, traced graphs called directly;
- ``graph``: each part of the prediction graph worked out once, run without dask;
- ``dialogue_states``: dialogue states worked out once per tracker for every policy;
- ``rules``: rules indexed by their latest turn;
- ``features``: sparse features joined without ``hstack``;
- ``events``: event classes found once;
- ``debug_logs``: copies for debug logs made only when debug is logged;
- ``nlu_thread``: messages parsed beside the event loop;
- ``warm_up``: the models warmed up before the server serves.

They come into effect only on ``RASA_VERSION``; ``HOTLINE_RASA_FIXES=off`` runs Rasa
without them. Public: ``FIXES``, ``install_fixes``, ``check_in``, ``FixedComponent``,
``replaced_attributes``, ``overriding_attributes``, ``RasaVersionError``. What each
fix replaces, why, what it saves and how it is tested: ``docs/rasa-fixes.md``.
"""

from bot.rasa_fixes.registry import (
    FIXES,
    RASA_VERSION,
    Fix,
    FixedComponent,
    RasaVersionError,
    check_in,
    install_fixes,
    overriding_attributes,
    replaced_attributes,
)

__all__ = [
    "FIXES",
    "RASA_VERSION",
    "Fix",
    "FixedComponent",
    "RasaVersionError",
    "check_in",
    "install_fixes",
    "overriding_attributes",
    "replaced_attributes",
]
