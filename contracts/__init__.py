"""The wire contracts between the assistant's processes, the one place adapters share.

``api/``, ``actions/``, ``bot/`` and ``cli/`` never import each other; what one sends
and another reads is written once here, as typed dictionaries with the functions that
build and check them. This package imports nothing but the standard library, so every
process can load it and none pays for another's framework.

Modules:
    rasa_gateway: the gateway's call to Rasa's gateway channel and its answer
        (``request_to_wire``, ``request_from_wire``, ``reply_to_wire``,
        ``reply_from_wire``, ``handoff_payload``, ``asks_for_handoff``).
"""
