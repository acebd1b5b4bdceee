"""``hotline kb``: import, export, search and classify, for operators and batch evaluation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cases.routing.router import build_router
from foundation.db import session_scope
from foundation.errors import CatalogueError
from knowledge_base.catalogue import load_catalogue
from knowledge_base.importers import gdzwfw
from knowledge_base.importers.catalogue import (
    EXPORT_FORMATS,
    export_catalogue,
    import_catalogue,
    render_export,
)
from knowledge_base.search.build import build_service_index
from knowledge_base.synthetic import synthetic_catalogue

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


def _import(args: argparse.Namespace) -> int:
    try:
        if args.format == "gdzwfw":
            catalogue, rejected = gdzwfw.read_catalogue(args.file)
            for problem in rejected:
                print(f"skipped {problem}", file=sys.stderr)
        else:
            catalogue = load_catalogue([args.file])
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
