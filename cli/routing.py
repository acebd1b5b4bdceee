"""``hotline routing``: train the dispatch model on the centre's archive, and see which
model routes."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from cases.routing import registry
from cases.routing.archive import ArchiveError, read_archive, read_label_names
from cases.routing.learned import load_top_level_map
from cases.routing.training import store_model, train_routing_model, with_corrections
from foundation.db import session_scope


def register(commands: argparse._SubParsersAction) -> None:
    routing = commands.add_parser("routing", help="the learned dispatch model")
    actions = routing.add_subparsers(dest="action", required=True)

    training = actions.add_parser(
        "train",
        help="train on an archive (TSV text<TAB>label, CSV or JSON lines), "
        "cross-validate, keep and activate the model",
    )
    training.add_argument("archive", type=Path)
    training.add_argument(
        "--labels",
        type=Path,
        help="an id<TAB>name file, when the archive's labels are ids",
    )
    training.add_argument(
        "--with-corrections",
        action="store_true",
        help="add the agents' corrections of routed work orders",
    )
    training.add_argument(
        "--unlabelled",
        type=Path,
        help="messages without labels (subject<TAB>body, one a line) for co-training; "
        "on the TipDM board it did not help (docs/classification.md)",
    )
    training.add_argument("--folds", type=int, default=5)
    training.add_argument(
        "--no-activate", action="store_true", help="keep it without routing with it"
    )
    training.set_defaults(handler=_train)

    status = actions.add_parser("status", help="the active model and its figures")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=_status)

    activating = actions.add_parser("activate", help="route with a kept model")
    activating.add_argument("version")
    activating.set_defaults(handler=_activate)

    curated = actions.add_parser(
        "deactivate", help="route with the curated classifier again"
    )
    curated.set_defaults(handler=_deactivate)


def _train(args: argparse.Namespace) -> int:
    if args.folds < 2:
        print("--folds must be at least 2", file=sys.stderr)
        return 2
    top_level_names = set(load_top_level_map().values())
    with session_scope() as session:
        codes = registry.category_codes(session)
        corrections = registry.corrections(session) if args.with_corrections else []
    try:
        names = read_label_names(args.labels) if args.labels else None
        archive = read_archive(args.archive, codes, top_level_names, names)
        unlabelled = (
            [
                line.strip()
                for line in args.unlabelled.read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
            if args.unlabelled
            else []
        )
    except (ArchiveError, OSError, UnicodeDecodeError) as error:
        print(f"cannot train: {error}", file=sys.stderr)
        return 1
    archive = with_corrections(archive, corrections)
    print(
        f"training on {len(archive.texts)} messages from {archive.source} "
        f"({archive.label_kind} labels), {args.folds}-fold cross-validation …",
        file=sys.stderr,
    )
    try:
        trained = train_routing_model(archive, folds=args.folds, unlabelled=unlabelled)
    except ValueError as error:
        print(f"cannot train: {error}", file=sys.stderr)
        return 1
    with session_scope() as session:
        row = store_model(session, trained, activate=not args.no_activate)
        version = row.version
    _print_model(version, trained.metrics, trained.threshold, len(archive.texts))
    print(
        "active: "
        + (
            "no (hotline routing activate " + version + ")"
            if args.no_activate
            else "yes"
        )
    )
    return 0


def _print_model(
    version: str, metrics: dict, threshold: float, training_size: int
) -> None:
    cv = metrics["cross_validation"]
    print(f"model {version}: {training_size} messages")
    print(
        f"  cross-validation ({cv['folds']} folds): macro-F1 {cv['macro_f1']:.4f}, "
        f"accuracy {cv['accuracy']:.4f}"
    )
    for label, score in cv["per_class_f1"].items():
        print(f"    {label}: F1 {score:.4f}")
    print(
        f"  automatic dispatch at {metrics['precision_target']:.0%} precision: "
        f"confidence ≥ {threshold:.3f}, {metrics['automatic_share']:.1%} of orders"
    )


def _status(args: argparse.Namespace) -> int:
    with session_scope() as session:
        models = [dataclasses.asdict(m) for m in registry.kept_models(session)]
        corrections = len(registry.corrections(session))
    active = next((m for m in models if m["active"]), None)
    if args.json:
        print(
            json.dumps(
                {"active": active, "models": models, "corrections": corrections},
                ensure_ascii=False,
            )
        )
        return 0
    if active is None:
        print("routing with the curated classifier: no learned model is active")
    else:
        print(f"active since {active['created_at']}, trained on {active['source']}:")
        _print_model(
            active["version"],
            active["metrics"],
            active["threshold"],
            active["training_size"],
        )
    print(
        f"{len(models)} model(s) kept; {corrections} agent correction(s) to learn from"
    )
    return 0


def _activate(args: argparse.Namespace) -> int:
    with session_scope() as session:
        found = registry.activate(session, args.version)
    if not found:
        print(f"no routing model {args.version!r}", file=sys.stderr)
        return 1
    print(f"routing with {args.version}")
    return 0


def _deactivate(args: argparse.Namespace) -> int:
    with session_scope() as session:
        registry.route_with_curated_vocabulary(session)
    print("routing with the curated classifier")
    return 0
