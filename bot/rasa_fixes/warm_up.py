"""The models warmed up before the server serves.

What parsing needs is built at the first message after a start: spaCy's place pipeline
with its own jieba dictionary (0.95 s), and TensorFlow's first run of each model, which
optimises its graph (0.2 s for DIET). Every citizen who wrote meanwhile waited too. The
server parses a few messages and predicts after each before it serves, in a
conversation it never stores.

A patch of ``rasa.core.run.load_agent_on_start``. Component loading cannot do it: the
graph loads its components one by one, none of which can parse a message through the
whole pipeline and the policies, and the place pipeline is built by the entity
extractor on its first message. Nor can the channel: the listeners of its blueprint are
registered (``configure_app``) before Rasa's own ``load_agent_on_start``, so they run
before there is an agent, or, after the server starts, while it already serves.
"""

from __future__ import annotations

from typing import Any

# One message down each path through the models: a guidance question (places, DIET,
# TED), small talk (the response selector too), English.
WARM_UP_TEXTS = ("护照怎么办理", "你是谁", "How do I apply for a work permit?")


def warm_up_the_models_before_serving() -> None:
    """Makes the server parse a few messages, and predict the next action after each,
    before it serves, so that what they build lazily is built then."""
    import rasa.core.run

    original = rasa.core.run.load_agent_on_start

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        if agent.is_ready():
            try:
                for text in WARM_UP_TEXTS:
                    await _warm_up(agent, text)
            except Exception:
                rasa.core.run.logger.exception("Warm-up failed; serving unwarmed.")
        return agent

    rasa.core.run.load_agent_on_start = load_agent_on_start


async def _warm_up(agent: Any, text: str) -> None:
    """One message parsed and answered in a conversation of its own that is never
    stored."""
    from rasa.core.channels import UserMessage
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    parse = await agent.processor.parse_message(UserMessage(text, sender_id="warm-up"))
    said = UserUttered(text, parse["intent"], parse["entities"], parse)
    tracker = DialogueStateTracker.from_events(
        "warm-up", [ActionExecuted(ACTION_LISTEN_NAME), said], agent.domain.slots
    )
    agent.processor.predict_next_with_tracker(tracker)
