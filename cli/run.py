"""``hotline run``: start every process, wait until each is healthy, stop them together.

A small supervisor on asyncio subprocesses: the action server, the Rasa server with the
trained model and the FastAPI gateway. Ctrl-C or SIGTERM stops all three; if one dies,
the others are stopped too, so a half-running assistant never lingers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx

from knowledge_base.rasa_endpoints import write_endpoints
from knowledge_base.settings import PROJECT_ROOT, get_settings

HEALTH_TIMEOUT_S = 300


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    health_url: str


def register(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser(
        "run", help="start the assistant (Rasa, actions, gateway) and print its URLs"
    )
    run.add_argument(
        "--model", type=Path, default=PROJECT_ROOT / "models" / "hotline.tar.gz"
    )
    run.set_defaults(handler=_run)


def services(model: Path, endpoints: Path | None = None) -> list[Service]:
    """The processes to start; Rasa reads ``endpoints`` (written from the settings)."""
    settings = get_settings()
    endpoints = endpoints or settings.var_dir / "endpoints.yml"
    rasa_port = urlparse(settings.rasa_url).port or 5005
    actions_port = urlparse(settings.action_server_url).port or 5055
    return [
        Service(
            "actions",
            [
                sys.executable,
                "-m",
                "actions",
                "--port",
                str(actions_port),
            ],
            f"{settings.action_server_url}/health",
        ),
        Service(
            "rasa",
            [
                sys.executable,
                "-m",
                "bot.rasa_server",
                "run",
                "--enable-api",
                "--model",
                str(model),
                "--port",
                str(rasa_port),
                "--interface",
                "127.0.0.1",
                "--endpoints",
                str(endpoints),
                "--credentials",
                "bot/credentials.yml",
            ],
            f"{settings.rasa_url}/status",
        ),
        Service(
            "gateway",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:create_app",
                "--factory",
                "--host",
                settings.host,
                "--port",
                str(settings.port),
                # Longer than any client's or load balancer's idle timeout, so a
                # connection is never closed under a request that is being sent.
                "--timeout-keep-alive",
                "75",
                "--log-level",
                "warning",
            ],
            f"http://127.0.0.1:{settings.port}/healthz",
        ),
    ]


def _run(args: argparse.Namespace) -> int:
    if not args.model.exists():
        print(
            f"No trained model at {args.model}: run `make run` (it trains one).",
            file=sys.stderr,
        )
        return 1
    # Tracker and lock stores follow HOTLINE_TRACKER_STORE_URL / HOTLINE_LOCK_STORE_URL.
    endpoints = write_endpoints(get_settings())
    return asyncio.run(supervise(services(args.model, endpoints)))


async def supervise(to_start: list[Service]) -> int:
    settings = get_settings()
    environment = dict(
        os.environ,
        HOTLINE_ACTION_SERVER_URL=settings.action_server_url,
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    processes: dict[str, asyncio.subprocess.Process] = {}
    try:
        for service in to_start:
            print(f"starting {service.name} …", flush=True)
            processes[service.name] = await asyncio.create_subprocess_exec(
                *service.command, cwd=PROJECT_ROOT, env=environment
            )
            if not await _wait_healthy(service, processes[service.name], stop):
                return 1
        base = f"http://{settings.host}:{settings.port}"
        print(
            "\nThe 12345 hotline assistant is running:\n"
            f"  citizen chat widget  {base}/\n"
            f"  agent console        {base}/agent\n"
            f"  API documentation    {base}/docs\n"
            f"  health               {base}/healthz\n"
            f"  Rasa server          {settings.rasa_url}\n"
            f"  action server        {settings.action_server_url}\n"
            "Agent token: .venv/bin/hotline users create-token --role agent --name <you>\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        waiters = [asyncio.create_task(p.wait()) for p in processes.values()]
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait(
            [*waiters, stopper], return_when=asyncio.FIRST_COMPLETED
        )
        if stopper not in done:
            print(
                "a process stopped unexpectedly; stopping the others", file=sys.stderr
            )
            return 1
        return 0
    finally:
        await _stop_all(processes)


async def _wait_healthy(
    service: Service, process: asyncio.subprocess.Process, stop: asyncio.Event
) -> bool:
    async with httpx.AsyncClient(timeout=2) as client:
        for _ in range(HEALTH_TIMEOUT_S * 2):
            if process.returncode is not None or stop.is_set():
                print(f"{service.name} did not start", file=sys.stderr)
                return False
            try:
                if (await client.get(service.health_url)).status_code < 500:
                    print(f"{service.name} is up", flush=True)
                    return True
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    print(f"{service.name} was not healthy after {HEALTH_TIMEOUT_S} s", file=sys.stderr)
    return False


async def _stop_all(processes: dict[str, asyncio.subprocess.Process]) -> None:
    for process in reversed(list(processes.values())):
        if process.returncode is None:
            process.terminate()
    for process in processes.values():
        try:
            await asyncio.wait_for(process.wait(), timeout=15)
        except asyncio.TimeoutError:
            process.kill()
