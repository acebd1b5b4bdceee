"""The production topology on loopback, for ``tests/production``: ``harness.production``.

It lives in the harness because the benchmarks start it too; the commands are those of
``foundation.topology.Production``, the description ``deploy/`` is checked against.
"""

from __future__ import annotations

from harness.production import (
    LOAD_RATE_LIMITS,
    Replica,
    Topology,
    production_topology,
)

__all__ = ["LOAD_RATE_LIMITS", "Replica", "Topology", "production_topology"]
