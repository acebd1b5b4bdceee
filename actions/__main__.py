"""The action server: rasa-sdk's, serving once the search index is built, to Rasa only.

    python -m actions --port 5055   (the options of ``rasa run actions``)

Built at the first question instead, the index and the classifier kept that question
waiting about a second (``SearchEngine.warm_up``). Every call but ``/health`` must carry
the internal token (``actions/internal_access.py``); no origin is allowed CORS (rasa-sdk
allows none unless ``--cors`` names them), since no browser has any business here.
Every log record is masked (``privacy.logs``).
"""

from __future__ import annotations

from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser
from rasa_sdk.plugin import plugin_manager

from actions.common import search_engine
from actions.internal_access import InternalTokenRequired
from cases.routing.classify import build_classifier
from foundation.internal_token import internal_token
from foundation.settings import get_settings
from privacy.logs import mask_personal_data_in_logs


def main() -> None:
    # rasa-sdk's debug log prints the trackers it is sent, slots and messages included.
    mask_personal_data_in_logs()
    args = create_argument_parser().parse_args()
    args.actions = args.actions or "actions"
    plugin_manager().register(InternalTokenRequired(internal_token(get_settings())))
    search_engine().warm_up(build_classifier)
    main_from_args(args)


if __name__ == "__main__":
    main()
