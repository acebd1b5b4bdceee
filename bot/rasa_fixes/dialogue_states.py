"""The dialogue states the policies read: worked out once per tracker, for all of them.

Each policy (memoization, rules, TED), at every step of a message, works out the
dialogue states of the whole conversation anew by replaying all its events. One replay
per tracker goes on from where it stopped as events are appended, and serves every
policy's options; each policy gets a copy of its own (the featurizers change the states
they are given). Remembering each call's states only, as before, left four replays per
message: the states cost 1.0 ms per message instead of 1.5 on the benchmark's
conversations, 2.0 instead of 2.7 with a long form among them.

A subclass fix. Every policy reads the states through its tracker featurizer
(``TrackerFeaturizer._create_states``, which calls ``DialogueStateTracker.past_states``).
The policies of ``config.yml`` (``bot/components/memoization_policy.py``,
``rule_policy.py``, ``ted_policy.py``) go through ``SharesDialogueStates``, which gives
a loaded policy a ``SharedStatesFeaturizer``: Rasa's ``MaxHistoryTrackerFeaturizer``
whose states come from ``past_states`` here. The model keeps Rasa's own featurizer, and
training uses it as it is.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.shared.core.trackers import DialogueStateTracker


def past_states(
    tracker: DialogueStateTracker,
    domain: Any,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """``tracker.past_states(domain, …)``, from one replay of the tracker's events that
    goes on as they are appended and serves every policy's options, each policy with a
    copy of its own."""
    if omit_unset_slots:  # only rules in training ask for it
        return tracker.past_states(
            domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    history = tracker.__dict__.get("_dialogue_history")
    if history is None or history.domain is not domain:
        history = tracker.__dict__["_dialogue_history"] = DialogueHistory(
            tracker, domain
        )
    states = history.states(tracker, ignore_rule_only_turns, rule_only_data)
    # A state is a dict of dicts of strings and tuples: two levels make it a copy.
    return [{kind: dict(part) for kind, part in state.items()} for state in states]


class SharedStatesFeaturizer(MaxHistoryTrackerFeaturizer):
    """Rasa's ``MaxHistoryTrackerFeaturizer``, with the states of ``past_states``.

    Saved as Rasa's own (``to_dict`` names the class it inherits its type from), so a
    model never names it: policies load Rasa's and ``SharesDialogueStates`` turns it
    into this one.
    """

    def _create_states(
        self,
        tracker: DialogueStateTracker,
        domain: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        return past_states(
            tracker, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )


def sharing_states(featurizer: Any) -> Any:
    """The same featurizer, as a ``SharedStatesFeaturizer`` if it is Rasa's
    ``MaxHistoryTrackerFeaturizer`` (every policy's default); any other as it is."""
    if type(featurizer) is not MaxHistoryTrackerFeaturizer:
        return featurizer
    shared = SharedStatesFeaturizer.__new__(SharedStatesFeaturizer)
    shared.__dict__.update(vars(featurizer))
    return shared


class SharesDialogueStates:
    """Goes before a ``Policy`` class: once loaded, the policy reads its dialogue
    states through a ``SharedStatesFeaturizer``.

    Only a loaded policy's featurizer is replaced: a policy being trained (``create``
    passes no featurizer) keeps Rasa's, so training is Rasa's own.
    """

    def __init__(self, *args: Any, featurizer: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, featurizer=sharing_states(featurizer), **kwargs)


class DialogueHistory:
    """The dialogue state before each action of one tracker, for the policies.

    Rasa's ``Domain.states_for_tracker_history`` replays all the applied events of the
    conversation from its start, for each policy at each step of a message: seven or
    eight replays per message here. This replay goes on from where it stopped while the
    tracker's applied events only grow (a form's next step, say, folds its previous
    steps away: then it starts again), and each policy's states are drawn from it by
    Rasa's own steps.
    """

    def __init__(self, tracker: Any, domain: Any) -> None:
        self.domain = domain
        self._restart(tracker)

    def _restart(self, tracker: Any) -> None:
        self._replay = tracker.init_copy()
        self._applied: list[Any] = []
        self._turns: list[_Turn] = []
        self._seen: tuple[int, Any] | None = None

    def states(
        self,
        tracker: Any,
        ignore_rule_only_turns: bool,
        rule_only_data: dict[str, Any] | None,
    ) -> list[dict[str, Any]]:
        # A tracker changes only by events appended: their count and the last one
        # (held here, so it cannot be another object at the same address) say whether
        # it still is the tracker the turns were worked out for.
        latest = tracker.events[-1] if tracker.events else None
        if (
            self._seen is None
            or self._seen[0] != len(tracker.events)
            or self._seen[1] is not latest
        ):
            self._catch_up(tracker)
            self._seen = (len(tracker.events), latest)
            self._states: dict[Any, list[dict[str, Any]]] = {}
        options = (ignore_rule_only_turns, _frozen(rule_only_data))
        states = self._states.get(options)
        if states is None:
            states = self._states[options] = _states_of_turns(
                self.domain,
                [*self._turns, self._final],
                ignore_rule_only_turns,
                rule_only_data,
            )
        return states

    def _catch_up(self, tracker: Any) -> None:
        from rasa.shared.core.events import ActionExecuted

        applied = tracker.applied_events()  # a new list each time: kept as it is
        done = len(self._applied)
        if len(applied) < done or any(
            new is not old
            for new, old in zip(applied[:done], self._applied, strict=True)
        ):
            self._restart(tracker)
            done = 0
        for event in applied[done:]:
            if isinstance(event, ActionExecuted):
                self._turns.append(_Turn.of(self.domain, self._replay, event))
            self._replay.update(event)
        self._applied = applied
        self._final = _Turn.of(self.domain, self._replay, None)


@dataclasses.dataclass(frozen=True)
class _Turn:
    """What ``states_for_tracker_history`` reads of the tracker before an action.

    The user's part is read from the message when the states are drawn, as Rasa's
    replay from the start reads it: while the bot's latest action is to listen, events
    change the latest message itself (the entities added to it, whether its text
    stands for it), turns after it included.
    """

    hide_rule_turn: bool
    may_change_hiding: bool
    latest_message: Any
    slots: dict[str, Any]
    previous_action: dict[str, str] | None
    active_loop: dict[str, Any]

    @classmethod
    def of(cls, domain: Any, tracker: Any, action: Any) -> _Turn:
        return cls(
            hide_rule_turn=bool(action and action.hide_rule_turn),
            # A follow-up action or a loop's happy path keeps a turn as it was.
            may_change_hiding=not tracker.followup_action
            and tracker.latest_action_name != tracker.active_loop_name,
            latest_message=tracker.latest_message,
            slots=domain._get_slots_sub_state(tracker),
            previous_action=domain._get_prev_action_sub_state(tracker),
            active_loop=domain._get_active_loop_sub_state(tracker),
        )


def _states_of_turns(
    domain: Any,
    turns: list[_Turn],
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """``Domain.states_for_tracker_history``, the same steps, on the turns replayed."""
    from rasa.shared.core.constants import ACTIVE_LOOP, PREVIOUS_ACTION, SLOTS, USER

    states: list[dict[str, Any]] = []
    last_ml_action = None
    turn_was_hidden = False
    user_parts: dict[int, dict[str, Any]] = {}
    for turn in turns:
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action = turn.previous_action
            if turn.may_change_hiding:
                turn_was_hidden = turn.hide_rule_turn
            if turn_was_hidden:
                continue
        user = user_parts.get(id(turn.latest_message))
        if user is None:  # the turn has the tracker's ``latest_message``
            user = domain._get_user_sub_state(turn)
            user_parts[id(turn.latest_message)] = user
        state = domain._clean_state(
            {
                USER: dict(user),
                SLOTS: dict(turn.slots),
                PREVIOUS_ACTION: turn.previous_action,
                ACTIVE_LOOP: dict(turn.active_loop),
            }
        )
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action:
                state[PREVIOUS_ACTION] = last_ml_action
        states.append(domain._clean_state(state))
    return states


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value
