"""TED that remembers its predictions: the same answers as TED, its model run less."""

from __future__ import annotations

import asyncio

import pytest

CONVERSATION = [
    "刚来上海工作，居住证要怎么办",
    "那要带啥？",
    "要多久？",
    "楼上装修太吵了",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def agent(trained_model):
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model))


@pytest.fixture
def ted(agent, monkeypatch):
    from bot.components.ted_policy import PREDICTIONS_KEPT, CachedTEDPolicy
    from foundation.lru import LeastRecentlyUsed

    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    policy = next(
        n._component for n in nodes if isinstance(n._component, CachedTEDPolicy)
    )
    monkeypatch.setattr(policy, "_predictions", LeastRecentlyUsed(PREDICTIONS_KEPT))
    runs = []
    run_inference = policy.model.run_inference
    monkeypatch.setattr(
        policy.model,
        "run_inference",
        lambda data: runs.append(1) or run_inference(data),
    )
    policy.runs = runs
    return policy


def _converse(agent, sender: str, predict) -> list[list[float]]:
    """TED's probabilities at each step of the conversation, following its own choice
    of action (the actions themselves are not run) until it listens again."""
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = agent.domain
    tracker = DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_listen")], slots=domain.slots
    )
    found = []
    for text in CONVERSATION:
        parse = asyncio.run(agent.parse_message(text))
        tracker.update(UserUttered(text, parse["intent"], parse["entities"]))
        for _ in range(3):
            probabilities = predict(tracker, domain).probabilities
            found.append(probabilities)
            action = domain.action_names_or_texts[
                max(range(len(probabilities)), key=probabilities.__getitem__)
            ]
            tracker.update(ActionExecuted(action))
            if action == "action_listen":
                break
        else:
            tracker.update(ActionExecuted("action_listen"))
    return found


def test_a_second_conversation_in_the_same_states_runs_no_model(agent, ted):
    first = _converse(agent, "citizen-a", ted.predict_action_probabilities)
    runs_for_first = len(ted.runs)
    second = _converse(agent, "citizen-b", ted.predict_action_probabilities)

    # Each message's states differ (intent, then previous action): TED ran each time.
    assert runs_for_first == len(first) > len(CONVERSATION)
    assert len(ted.runs) == runs_for_first
    assert second == first


def test_remembered_predictions_are_teds_own(agent, ted):
    from rasa.core.policies.ted_policy import TEDPolicy

    _converse(agent, "citizen-c", ted.predict_action_probabilities)
    remembered = _converse(agent, "citizen-d", ted.predict_action_probabilities)
    teds_own = _converse(
        agent,
        "citizen-e",
        lambda tracker, domain: TEDPolicy.predict_action_probabilities(
            ted, tracker, domain
        ),
    )
    assert remembered == [pytest.approx(p, abs=1e-6) for p in teds_own]
