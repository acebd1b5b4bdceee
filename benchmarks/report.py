"""Where every benchmark leaves its figures: one JSON file under benchmarks/results/."""

from __future__ import annotations

import json
from pathlib import Path


def write_results(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
