"""``hotline run``: serve the assistant."""

from __future__ import annotations

import argparse

from knowledge_base.settings import get_settings


def register(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="start the assistant and print its URLs")
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    base = f"http://{settings.host}:{settings.port}"
    print(
        f"Hotline assistant gateway: {base}  (API docs {base}/docs, health {base}/healthz)",
        flush=True,
    )
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level="info",
    )
    return 0
