"""Deep copies for debug logs made only when debug is logged.

Rasa's message processor and its memoization and rule policies pass deep copies of
events and dialogue states to their debug log calls, several per message, and make them
whether or not debug is logged. Those copies are made only when it is.

A patch: the copies are made inside Rasa's own methods (the processor's, which no
setting replaces, and the policies' prediction methods, which a subclass could only
spare them by copying whole), so the modules that make them get a ``copy`` of their own.
"""

from __future__ import annotations

import copy
import importlib
import types
from typing import Any


class CopiesForDebugLogs(types.ModuleType):
    """The ``copy`` module as a Rasa module sees it: ``deepcopy`` copies only while
    structlog logs debug, since that module deep-copies only for its debug logs."""

    def __init__(self) -> None:
        super().__init__("copy")

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict | None = None) -> Any:
        if _debug_is_logged():
            return copy.deepcopy(value, memo)
        return value


def _debug_is_logged() -> bool:
    import structlog

    # A filtering logger's methods below its level are structlog's no-op; anything
    # else (structlog unconfigured, another version) counts as logging.
    debug = structlog.get_config()["wrapper_class"].debug
    return getattr(debug, "__name__", "") != "_nop"


# Modules whose every ``copy.deepcopy`` is an argument to a debug log call.
COPYING_ONLY_FOR_DEBUG_LOGS = (
    "rasa.core.processor",
    "rasa.core.policies.memoization",
    "rasa.core.policies.rule_policy",
)


def copy_for_debug_logs_only_when_logged() -> None:
    """Gives the modules that deep-copy only for debug logs a ``copy`` that copies
    only when debug is logged."""
    for name in COPYING_ONLY_FOR_DEBUG_LOGS:
        importlib.import_module(name).copy = CopiesForDebugLogs()
