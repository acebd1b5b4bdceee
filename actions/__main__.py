"""The action server: rasa-sdk's, serving once the search index is built.

    python -m actions --port 5055   (the options of ``rasa run actions``)

Built at the first question instead, the index and the classifier kept that question
waiting about a second (``SearchEngine.warm_up``).
"""

from __future__ import annotations

from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser

from actions.common import search_engine
from cases.routing.classify import build_classifier


def main() -> None:
    args = create_argument_parser().parse_args()
    args.actions = args.actions or "actions"
    search_engine().warm_up(build_classifier)
    main_from_args(args)


if __name__ == "__main__":
    main()
