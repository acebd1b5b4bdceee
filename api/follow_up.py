"""The gateway's timer for the work-order follow-up (``contact_centre.follow_up``).

Every replica runs it; the database lease lets one work at a time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from anyio import to_thread
from sqlalchemy.engine import Engine

from contact_centre.follow_up import run_due_work, wechat_sender
from foundation.settings import Settings

logger = logging.getLogger(__name__)


async def follow_up_forever(engine: Engine, settings: Settings) -> None:
    """Run the follow-up every ``worker_interval_s`` until cancelled."""
    holder = f"{socket.gethostname()}:{os.getpid()}"
    senders = {}
    sender = wechat_sender(settings)
    if sender is not None:
        senders["wechat"] = sender
    interval = settings.worker_interval_s
    while True:
        try:
            await to_thread.run_sync(
                lambda: run_due_work(
                    engine, holder, lease_s=3 * interval, senders=senders
                )
            )
        except Exception:  # noqa: BLE001 - the next round tries again
            logger.exception("the work-order follow-up failed")
        await asyncio.sleep(interval)
