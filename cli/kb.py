"""``hotline kb``: import, export, search and classify, for operators and batch evaluation."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import getpass
import json
import sys
from pathlib import Path

from cases.routing.router import build_router
from contact_centre.knowledge_gaps import MAX_LIMIT as GAPS_MAX_LIMIT
from contact_centre.knowledge_gaps import Gap, knowledge_gaps, period_start
from foundation import clock
from foundation.db import session_scope
from foundation.errors import CatalogueError, Conflict, ValidationFailed
from knowledge_base.catalogue import Catalogue, load_catalogue
from knowledge_base.editorial import import_batch
from knowledge_base.examples import ExampleResult, check_examples, failures
from knowledge_base.importers import gdzwfw
from knowledge_base.importers.catalogue import (
    EXPORT_FORMATS,
    export_catalogue,
    import_catalogue,
    render_export,
)
from knowledge_base.search.build import build_service_index
from knowledge_base.synthetic import synthetic_catalogue
from privacy.audit import record_operator_access

IMPORT_FORMATS = ("catalogue", "gdzwfw")


def register(commands: argparse._SubParsersAction) -> None:
    kb = commands.add_parser("kb", help="the service knowledge base")
    actions = kb.add_subparsers(dest="action", required=True)

    importing = actions.add_parser(
        "import", help="load a catalogue file in one transaction"
    )
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--format",
        choices=IMPORT_FORMATS,
        default="catalogue",
        help="catalogue: our YAML/JSON format; gdzwfw: Guangdong portal JSON lines",
    )
    importing.add_argument(
        "--as-draft",
        action="store_true",
        help="import as one batch of drafts for review (the workbench publishes it) "
        "instead of live at once; needs --author and --reason",
    )
    importing.add_argument("--author", help="who drafted the batch (with --as-draft)")
    importing.add_argument("--reason", help="why (with --as-draft)")
    importing.set_defaults(handler=_import)

    exporting = actions.add_parser("export", help="print the whole catalogue")
    exporting.add_argument("--format", choices=EXPORT_FORMATS, default="yaml")
    exporting.set_defaults(handler=_export)

    search = actions.add_parser(
        "search", help="rank services for a question (stdin: one per line)"
    )
    search.add_argument("text", nargs="?")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--limit", type=int, default=5)
    search.set_defaults(handler=_search)

    classify = actions.add_parser(
        "classify", help="work-order category of a complaint (stdin: one per line)"
    )
    classify.add_argument("text", nargs="?")
    classify.add_argument("--json", action="store_true", help="print JSON")
    classify.set_defaults(handler=_classify)

    generate = actions.add_parser(
        "generate", help="write a synthetic catalogue for load and scale tests"
    )
    generate.add_argument("--services", type=int, default=3622)
    generate.add_argument("--faqs", type=int, default=20000)
    generate.add_argument("--seed", type=int, default=12345)
    generate.add_argument("--output", type=Path, required=True)
    generate.set_defaults(handler=_generate)

    check = actions.add_parser(
        "check",
        help="does each service's example question still find it first? (exit 1 if not)",
    )
    check.add_argument("--service", metavar="CODE", help="check one service only")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(handler=_check)

    gaps = actions.add_parser(
        "gaps",
        help="what citizens asked that the guides could not answer (masked; audited)",
    )
    gaps.add_argument(
        "--since", type=_since, required=True, help="7d, 24h or a date (2026-12-01)"
    )
    gaps.add_argument("--until", type=_since, help="end of the period (default: now)")
    gaps.add_argument("--limit", type=_gaps_limit, default=50)
    gaps.add_argument("--json", action="store_true", help="print JSON")
    gaps.add_argument(
        "--operator",
        type=_operator,
        default=None,
        help="your name, for the audit log (default: your login name)",
    )
    gaps.set_defaults(handler=_gaps)


def _import(args: argparse.Namespace) -> int:
    try:
        if args.format == "gdzwfw":
            catalogue, rejected = gdzwfw.read_catalogue(args.file)
            for problem in rejected:
                print(f"skipped {problem}", file=sys.stderr)
        else:
            catalogue = load_catalogue([args.file])
        if args.as_draft:
            return _import_as_draft(catalogue, args)
        with session_scope() as session:
            counts = import_catalogue(session, catalogue)
    except CatalogueError as exc:
        print(
            f"import failed, nothing was changed: {len(exc.problems)} problem(s)",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(
        "imported: "
        + ", ".join(f"{count} {kind}" for kind, count in counts.items() if count)
    )
    return 0


def _import_as_draft(catalogue: Catalogue, args: argparse.Namespace) -> int:
    """The whole file as one batch of drafts: nothing a citizen sees changes until a
    reviewer publishes it in the workbench."""
    if not (args.author and args.reason):
        print("--as-draft needs --author and --reason", file=sys.stderr)
        return 2
    try:
        with session_scope() as session:
            batch = import_batch(
                session, catalogue, author=args.author, reason=args.reason
            )
            batch_id = batch.id
    except (Conflict, ValidationFailed) as exc:
        print(f"import failed, nothing was changed: {exc}", file=sys.stderr)
        return 1
    guides = len(catalogue.services) + len(catalogue.offices) + len(catalogue.bundles)
    print(f"drafted: batch {batch_id}, {guides} guides, waiting for review")
    return 0


def _export(args: argparse.Namespace) -> int:
    with session_scope() as session:
        sys.stdout.write(render_export(export_catalogue(session), args.format))
    return 0


def _questions(text: str | None) -> list[str]:
    if text is not None:
        return [text]
    return [line.strip() for line in sys.stdin if line.strip()]


def _search(args: argparse.Namespace) -> int:
    with session_scope() as session:
        index = build_service_index(session)
    for question in _questions(args.text):
        hits = index.search(question, limit=args.limit)
        if args.json:
            print(
                json.dumps(
                    [{"code": h.code, "name": h.name, "score": h.score} for h in hits],
                    ensure_ascii=False,
                )
            )
        else:
            print(f"{question}")
            for rank, hit in enumerate(hits, 1):
                print(f"  {rank}. {hit.name} [{hit.code}] {hit.score:.2f}")
    return 0


def _classify(args: argparse.Namespace) -> int:
    with session_scope() as session:
        router = build_router(session)
    for text in _questions(args.text):
        routing = router.route(text)
        if args.json:
            print(
                json.dumps(
                    {
                        "top_level": routing.top_level,
                        "category": routing.category,
                        "department": routing.department_name,
                        "confidence": routing.confidence,
                        "automatic": routing.automatic,
                        "model": routing.model_version,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(
                f"{routing.top_level} / {routing.category_name} → "
                f"{routing.department_name} ({routing.time_limit_days} working days, "
                f"confidence {routing.confidence:.2f}"
                f"{', automatic' if routing.automatic else ', for review'})"
            )
    return 0


def _generate(args: argparse.Namespace) -> int:
    catalogue = synthetic_catalogue(args.services, args.faqs, seed=args.seed)
    args.output.write_text(
        json.dumps(catalogue, ensure_ascii=False, default=str), encoding="utf-8"
    )
    print(f"wrote {args.services} services and {args.faqs} FAQs to {args.output}")
    return 0


def _check(args: argparse.Namespace) -> int:
    with session_scope() as session:
        index = build_service_index(session)
    services = [doc for doc in index.documents if doc.kind == "service"]
    if args.service is not None:
        services = [doc for doc in services if doc.code == args.service]
        if not services:
            print(f"no service with code {args.service!r}", file=sys.stderr)
            return 2
    results = check_examples(index, [doc.code for doc in services])
    failed = failures(results)
    without = [doc.code for doc in services if not doc.examples]
    if args.json:
        print(
            json.dumps(
                {
                    "checked": len(results),
                    "passed": len(results) - len(failed),
                    "failed": [result.as_dict() for result in failed],
                    "services_without_examples": without,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for result in failed:
            print(
                f"FAIL {result.question}\n"
                f"     expected {result.code}, found {_found(result)}"
            )
        print(
            f"{len(results) - len(failed)} of {len(results)} example questions find "
            f"their service first ({len(services) - len(without)} services with "
            f"examples, {len(without)} without)"
        )
    return 1 if failed else 0


def _found(result: ExampleResult) -> str:
    if result.missing:
        return f"nothing: {result.missing!r} taken for a service not held"
    if result.found_code:
        return result.found_code
    if result.offered:
        return "a choice of " + ", ".join(result.offered)
    return "nothing"


def _since(value: str) -> dt.datetime:
    try:
        return period_start(value)
    except ValidationFailed as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _gaps_limit(value: str) -> int:
    try:
        limit = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("give a whole number") from None
    if not 1 <= limit <= GAPS_MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"between 1 and {GAPS_MAX_LIMIT}")
    return limit


def _operator(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return value.strip()


def _gaps(args: argparse.Namespace) -> int:
    """Citizens' questions, masked, are still personal data read by a person: the
    operator's read is in the audit log like a member of staff's."""
    operator = args.operator or getpass.getuser()
    try:
        with session_scope() as session:
            found = knowledge_gaps(
                session, since=args.since, until=args.until, limit=args.limit
            )
            record_operator_access(
                session,
                operator,
                kind="report",
                record="knowledge_gaps",
                fields=("examples",) if found else (),
                via="hotline kb gaps",
            )
    except ValidationFailed as exc:
        print(f"{exc.field}: {exc.message}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps(
                [dataclasses.asdict(gap) for gap in found], ensure_ascii=False, indent=2
            )
        )
        return 0
    until = args.until or clock.now()
    print(
        f"Knowledge gaps {args.since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M}: "
        f"{len(found)} shown, most asked first"
    )
    if not found:
        print("  none: every question found its guide")
        return 0
    print(f"  {'#':>3}  {'kind':<12} {'asked':>5}  gap")
    for rank, gap in enumerate(found, 1):
        print(_gap_line(rank, gap))
        for example in gap.examples:
            print(f"{'':>25}- {example}")
    return 0


def _gap_line(rank: int, gap: Gap) -> str:
    service = f" [{gap.service_code}]" if gap.service_code else ""
    return f"  {rank:>3}  {gap.kind:<12} {gap.count:>5}  {gap.title}{service}"
