"""Prometheus metrics of the gateway, served at ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "hotline_http_requests_total", "HTTP requests", ["method", "route", "status"]
)
LATENCY = Histogram(
    "hotline_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10),
)
INTENTS = Counter(
    "hotline_intents_total", "Intents recognised in citizens' messages", ["intent"]
)
HANDOFFS = Counter("hotline_handoffs_total", "Conversations handed to a person")
EMERGENCIES = Counter(
    "hotline_emergencies_total",
    "Citizens' messages triage found an emergency in",
    ["kind"],
)
FALLBACKS = Counter("hotline_fallbacks_total", "Messages the NLU could not understand")
FAILURES = Counter(
    "hotline_upstream_failures_total",
    "Calls to a dependency that failed",
    ["dependency"],
)
