"""``hotline worker``: the work-order follow-up (time limits, 回访, notifications, and
the day's retention purge) now.

The gateways run it every minute on their own; this runs it on demand (an operator, a
cron job, a test with its own clock), under the same lease.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import time

from contact_centre.follow_up import run_due_work, wechat_sender
from foundation.db import get_engine
from foundation.settings import get_settings


def register(commands: argparse._SubParsersAction) -> None:
    worker = commands.add_parser(
        "worker", help="watch work-order time limits and send notifications"
    )
    worker.add_argument(
        "--once", action="store_true", help="one round, then exit (default: forever)"
    )
    worker.add_argument(
        "--now",
        type=dt.datetime.fromisoformat,
        help="the time to act as of, YYYY-MM-DDTHH:MM (default: the clock)",
    )
    worker.set_defaults(handler=_work)


def _work(args: argparse.Namespace) -> int:
    settings = get_settings()
    interval = settings.worker_interval_s or 60.0
    holder = f"{socket.gethostname()}:{os.getpid()}"
    sender = wechat_sender(settings)
    senders = {"wechat": sender} if sender else {}
    while True:
        done = run_due_work(
            get_engine(), holder, lease_s=3 * interval, now=args.now, senders=senders
        )
        if not done.held_lease:
            print("another process holds the follow-up lease; nothing done")
        else:
            report = done.sweep
            assert report is not None
            print(
                f"sign overdue {report.sign_overdue}, warned {report.warned}, "
                f"overdue {report.overdue}, 回访 asked {report.visits_asked}; "
                f"sent {done.sent}, failed {done.failed}"
            )
            if done.purge is not None:
                before = f"{done.purge.before:%Y-%m-%d %H:%M}"
                print(
                    f"retention purge (last active before {before}): "
                    f"{done.purge.total} row(s) anonymised"
                    + ("; more next round" if done.purge.more else "")
                )
        if args.once:
            return 0
        time.sleep(interval)
