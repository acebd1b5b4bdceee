"""``hotline worker --once``: the follow-up on demand, with the operator's clock."""

from __future__ import annotations

import os
import subprocess
import sys


def test_worker_once_sweeps_as_of_the_given_time_and_reports(seeded_database):
    url = seeded_database
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "worker",
            "--once",
            "--now",
            "2026-12-09T09:00",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, HOTLINE_DATABASE_URL=url),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "sign overdue 0" in result.stdout and "sent 0" in result.stdout
