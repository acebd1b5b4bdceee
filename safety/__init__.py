"""Emergencies first: whether a citizen's message reports one, and the first reply.

Owns emergency triage for every channel and every state of a conversation: fire, gas
leaks, violence, medical emergencies, traffic accidents with injuries, people in the
water, children or elderly people in danger, and self-harm. It decides; the gateway,
Rasa and the agent console only act on what it returns (an urgent hand-off, no form).

Framework-free: it imports only ``knowledge_base.search.text`` (the normalisation that
search uses: full-width, traditional, case) and PyYAML.

Public functions:

- ``triage(text) -> Emergency | None``: the emergency a message reports, if any
  (``triage``; the words per kind are in ``patterns``).
- ``emergency_reply(emergency, lang) -> str``: the first reply, the number to call
  first, in Chinese or English (``replies``; texts in ``data/replies.yml``).
- ``unsure_emergency_reply(lang)``: the numbers, when the model heard an emergency
  and the rules did not.
- ``emergency_lines()``, ``numbers_for(kind)``: the telephone lines and which kind
  each serves, with the authority and notice each number comes from (``lines``;
  ``data/emergency_lines.yml``).
- ``sensitive.sensitive_question(text)``, ``sensitive.sensitive_reply(lang)``: political,
  religious and ethnic questions, answered neutrally with a person on offer.
- ``compile_patterns()``: compile the patterns at start-up rather than on the first
  message.
"""

from safety.kinds import Kind
from safety.lines import EmergencyLine, emergency_lines, numbers_for
from safety.replies import emergency_reply, unsure_emergency_reply
from safety.triage import Emergency, compile_patterns, triage

__all__ = [
    "Emergency",
    "EmergencyLine",
    "Kind",
    "compile_patterns",
    "emergency_lines",
    "emergency_reply",
    "numbers_for",
    "triage",
    "unsure_emergency_reply",
]
