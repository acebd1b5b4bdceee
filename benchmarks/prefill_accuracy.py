"""How much of a work order the pre-fill gets right, field by field.

Three labelled files, read the way the product reads them (``contact_centre.prefill``
over a database holding the curated catalogue and the official list of divisions):

- ``tests/data/prefill_transcripts.yml``: call transcripts and agents' notes, every
  field labelled (category, district, street, address, when, demand);
- ``tests/data/complaint_addresses.yml``: complaints labelled with district and
  street, read here through the pre-fill; also how often it gives an address where
  the caller names a place;
- ``tests/data/complaints.yml``: complaints labelled with their category.

A field is right when:

- category, district, street: the code equals the label (a null label wants null);
- address: the draft's address contains the labelled span (``address`` in the table),
  or equals it (``address exact``); the draft may add the district before a road;
- occurred: the draft's time contains the labelled span, or both are null;
  ``occurred_on``: the resolved date equals the label, where one is labelled;
- demand: the draft's demand contains one of the labelled phrases.

Spaces (speech recognition's pauses) are ignored in the comparisons of spans.

    python benchmarks/prefill_accuracy.py [--verbose]

Writes ``benchmarks/results/prefill_accuracy.json``. The curated router routes (no
learned model is trained here), as in the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

DATA = ROOT / "tests" / "data"
DIVISIONS = ROOT.parent / "shared" / "data" / "shanghai_divisions" / "streets.csv"
RESULTS = ROOT / "benchmarks" / "results" / "prefill_accuracy.json"
TRANSCRIPT_FIELDS = (
    "category",
    "district",
    "street",
    "address",
    "address exact",
    "occurred",
    "occurred_on",
    "demand",
)


@dataclass
class Tally:
    """Right and wrong per field, and what was read where it was wrong."""

    right: dict[str, int] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool, text: str, labelled: Any, read: Any) -> None:
        self.counted[name] = self.counted.get(name, 0) + 1
        self.right[name] = self.right.get(name, 0) + int(ok)
        if not ok:
            self.misses.append(
                f"{name}: labelled {labelled!r}, read {read!r} in {text!r}"
            )

    def accuracy(self) -> dict[str, float]:
        return {
            name: round(self.right[name] / count, 3)
            for name, count in self.counted.items()
        }


def _bare(text: str | None) -> str | None:
    return None if text is None else "".join(text.split())


def _contains(read: str | None, labelled: str | None) -> bool:
    if labelled is None:
        return read is None
    read, labelled = _bare(read), _bare(labelled)
    return read is not None and labelled is not None and labelled in read


def _code(place: Any) -> str | None:
    return None if place is None else str(place.code)


def score_transcripts(
    session: Any, router: Any, document: dict[str, Any], prefill: Callable[..., Any]
) -> Tally:
    """Every field of every transcript of ``prefill_transcripts.yml``."""
    now = dt.datetime.fromisoformat(document["now"])
    tally = Tally()
    for item in document["transcripts"]:
        text = item["text"]
        draft = prefill(session, router, text, now=now)
        tally.add(
            "category",
            draft.category == item["category"],
            text,
            item["category"],
            draft.category,
        )
        for name in ("district", "street"):
            read = _code(getattr(draft, name))
            tally.add(name, read == item[name], text, item[name], read)
        tally.add(
            "address",
            _contains(draft.address, item["address"]),
            text,
            item["address"],
            draft.address,
        )
        tally.add(
            "address exact",
            _bare(draft.address) == _bare(item["address"]),
            text,
            item["address"],
            draft.address,
        )
        tally.add(
            "occurred",
            _contains(draft.occurred, item["occurred"]),
            text,
            item["occurred"],
            draft.occurred,
        )
        if item.get("occurred_on"):
            tally.add(
                "occurred_on",
                draft.occurred_on == item["occurred_on"],
                text,
                item["occurred_on"],
                draft.occurred_on,
            )
        demand = _bare(draft.demand) or ""
        tally.add(
            "demand",
            any(_bare(phrase) in demand for phrase in item["demand"]),
            text,
            item["demand"],
            draft.demand,
        )
    return tally


def score_addresses(
    session: Any,
    router: Any,
    complaints: list[dict[str, Any]],
    prefill: Callable[..., Any],
) -> Tally:
    """District, street and whether an address is given, on complaint_addresses.yml."""
    tally = Tally()
    for complaint in complaints:
        text = str(complaint["text"])
        draft = prefill(session, router, text)
        for name in ("district", "street"):
            read = _code(getattr(draft, name))
            tally.add(name, read == complaint[name], text, complaint[name], read)
        named = complaint["district"] is not None
        tally.add(
            "address given",
            (draft.address is not None) == named,
            text,
            "a place" if named else None,
            draft.address,
        )
    return tally


def score_categories(
    session: Any,
    router: Any,
    complaints: list[dict[str, Any]],
    prefill: Callable[..., Any],
) -> Tally:
    """The category on complaints.yml."""
    tally = Tally()
    for complaint in complaints:
        draft = prefill(session, router, complaint["text"])
        tally.add(
            "category",
            draft.category == complaint["expect"],
            complaint["text"],
            complaint["expect"],
            draft.category,
        )
    return tally


def load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@contextmanager
def prefill_database(directory: Path) -> Iterator[Any]:
    """A database with the curated catalogue and the official list of divisions."""
    from foundation import migrate
    from foundation.db import make_engine, session_scope
    from foundation.settings import get_settings
    from knowledge_base.divisions import import_divisions
    from knowledge_base.importers.divisions import read_divisions
    from knowledge_base.seed import seed_curated_catalogue

    url = f"sqlite:///{directory / 'prefill.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            seed_curated_catalogue(session, get_settings().catalogue_dir)
            import_divisions(
                session,
                read_divisions(DIVISIONS),
                source="shared/data/shanghai_divisions",
                as_of=dt.date(2022, 10, 31),
            )
        yield engine
    finally:
        engine.dispose()


def measure(verbose: bool = False) -> dict[str, Any]:
    from cases.routing.router import build_router
    from contact_centre.prefill import prefill_work_order
    from foundation.db import session_scope

    with (
        tempfile.TemporaryDirectory() as directory,
        prefill_database(Path(directory)) as engine,
        session_scope(engine) as session,
    ):
        router = build_router(session)
        transcripts = load("prefill_transcripts.yml")
        prefill_work_order(session, router, "预热")  # jieba and spaCy load here
        started = time.perf_counter()
        by_transcript = score_transcripts(
            session, router, transcripts, prefill_work_order
        )
        per_transcript_ms = (
            (time.perf_counter() - started) * 1000 / len(transcripts["transcripts"])
        )
        by_address = score_addresses(
            session, router, load("complaint_addresses.yml"), prefill_work_order
        )
        by_category = score_categories(
            session, router, load("complaints.yml")["complaints"], prefill_work_order
        )
    files = {
        "prefill_transcripts.yml": by_transcript,
        "complaint_addresses.yml": by_address,
        "complaints.yml": by_category,
    }
    print(f"{'file':<26}{'field':<16}{'accuracy':>9}{'n':>6}")
    for name, tally in files.items():
        for field_name, accuracy in tally.accuracy().items():
            n = tally.counted[field_name]
            print(f"{name:<26}{field_name:<16}{accuracy:>9.3f}{n:>6}")
    print(f"pre-fill per transcript: {per_transcript_ms:.1f} ms")
    if verbose:
        for name, tally in files.items():
            for miss in tally.misses:
                print(f"  {name} {miss}")
    return {
        "router": "curated (no learned model)",
        "per_transcript_ms": round(per_transcript_ms, 1),
        "files": {
            name: {
                "count": max(tally.counted.values()),
                "accuracy": tally.accuracy(),
                "misses": tally.misses,
            }
            for name, tally in files.items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    if not DIVISIONS.exists():
        print(f"no list of divisions at {DIVISIONS}", file=sys.stderr)
        return 1
    write_results(RESULTS, measure(args.verbose))
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
