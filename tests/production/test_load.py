"""A short run of benchmarks/load_test.py against the two replicas: no 5xx, exactly once."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys

import pytest

from tests.support.stack import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CITIZENS = 200


def _load_test_module():
    spec = importlib.util.spec_from_file_location(
        "load_test", ROOT / "benchmarks" / "load_test.py"
    )
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up while the class is being built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_two_hundred_citizens_get_no_5xx_and_everything_is_stored_once(replicas):
    load_test = _load_test_module()
    gateways = [replica.gateway_url for replica in replicas.replicas]
    report = asyncio.run(load_test.run_load(gateways, CITIZENS))
    summary = report.summary()
    check = load_test.verify_exactly_once(replicas.database_url, report)
    load_test.print_table(summary, check)
    print(json.dumps(summary["statuses"]))

    assert summary["server_errors"] == 0
    assert check["problems"] == []
    assert not {k: v for k, v in summary["transport_errors"].items() if v}
    for kind in ("applications_api", "work_orders_api"):
        assert summary[kind]["acknowledged"] > 0, kind
        assert check["stored"].get(kind, 0) == summary[kind]["acknowledged"], kind
        assert summary[kind]["retries"] > 0, f"{kind}: no retry was exercised"
    for kind in ("applications_chat", "work_orders_chat"):
        assert summary[kind]["acknowledged"] > 0, kind
        assert check["stored"].get(kind, 0) == summary[kind]["acknowledged"], kind
