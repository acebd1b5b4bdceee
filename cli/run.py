"""``hotline run``: start every process, wait until each is healthy, stop them together.

A small supervisor on asyncio subprocesses for the embedded setup of
``foundation.topology``: the action server, the Rasa server with the trained model and
the FastAPI gateway, where the settings place them. Ctrl-C or SIGTERM stops all three;
if one dies, the others are stopped too, so a half-running assistant never lingers.
Rasa and the action server answer only with the internal token, which in dev every
process reads from the var folder (``foundation.internal_token``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx

from foundation.internal_token import HEADER, internal_token
from foundation.settings import PROJECT_ROOT, get_settings
from foundation.topology import MODEL, Process, embedded


def register(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser(
        "run", help="start the assistant (Rasa, actions, gateway) and print its URLs"
    )
    run.add_argument("--model", type=Path, default=PROJECT_ROOT / MODEL)
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if not args.model.exists():
        print(
            f"No trained model at {args.model}: run `make run` (it trains one).",
            file=sys.stderr,
        )
        return 1
    # Tracker and lock stores follow HOTLINE_TRACKER_STORE_URL / HOTLINE_LOCK_STORE_URL:
    # Rasa's endpoints file is written from the settings before Rasa starts.
    settings = get_settings()
    return asyncio.run(
        supervise(
            embedded(settings, model=args.model).processes, internal_token(settings)
        )
    )


async def supervise(to_start: tuple[Process, ...], token: str) -> int:
    """Start ``to_start`` in order, each once the one before is healthy; ``token`` is the
    internal token their health checks carry (Rasa's wants it)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    processes: dict[str, asyncio.subprocess.Process] = {}
    try:
        for process in to_start:
            print(f"starting {process.name} …", flush=True)
            environment = {**os.environ, **process.env}
            if not await _prepare(process, environment):
                return 1
            processes[process.name] = await asyncio.create_subprocess_exec(
                *process.argv, cwd=PROJECT_ROOT, env=environment
            )
            if not await _wait_healthy(process, processes[process.name], stop, token):
                return 1
        urls = {process.name: process.url for process in to_start}
        print(
            "\nThe 12345 hotline assistant is running:\n"
            f"  citizen chat widget  {urls['gateway']}/\n"
            f"  agent console        {urls['gateway']}/agent\n"
            f"  department workbench {urls['gateway']}/department\n"
            f"  manager dashboard    {urls['gateway']}/dashboard\n"
            f"  knowledge workbench  {urls['gateway']}/knowledge\n"
            f"  API documentation    {urls['gateway']}/docs\n"
            f"  health               {urls['gateway']}/healthz\n"
            f"  Rasa server          {urls['rasa']}  (wants the {HEADER} header)\n"
            f"  action server        {urls['actions']}\n"
            "Staff tokens: .venv/bin/hotline users create-token --role ROLE --name <you>\n"
            "  (ROLE: agent, department with --unit, manager, editor, reviewer, admin)\n"
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


async def _prepare(process: Process, environment: dict[str, str]) -> bool:
    """Run the steps a process needs first (Rasa: its endpoints file)."""
    for step in process.before:
        done = await asyncio.create_subprocess_exec(
            *step,
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await done.communicate()
        if done.returncode != 0:
            print(output.decode(errors="replace"), file=sys.stderr)
            print(f"{process.name} could not be prepared", file=sys.stderr)
            return False
    return True


async def _wait_healthy(
    process: Process,
    running: asyncio.subprocess.Process,
    stop: asyncio.Event,
    token: str,
) -> bool:
    deadline = _now() + process.start_timeout_s
    async with httpx.AsyncClient(timeout=2, headers={HEADER: token}) as client:
        while _now() < deadline:
            if running.returncode is not None or stop.is_set():
                print(f"{process.name} did not start", file=sys.stderr)
                return False
            try:
                answer = await client.get(process.health_url or process.url)
                if answer.status_code == 200 and process.health_text in answer.text:
                    print(f"{process.name} is up", flush=True)
                    return True
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    print(
        f"{process.name} was not healthy after {process.start_timeout_s:.0f} s",
        file=sys.stderr,
    )
    return False


def _now() -> float:
    return asyncio.get_running_loop().time()


async def _stop_all(processes: dict[str, asyncio.subprocess.Process]) -> None:
    for process in reversed(list(processes.values())):
        if process.returncode is None:
            process.terminate()
    for process in processes.values():
        try:
            await asyncio.wait_for(process.wait(), timeout=15)
        except asyncio.TimeoutError:
            process.kill()
