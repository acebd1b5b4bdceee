"""The contact centre: conversations and transcripts, hand-off to agents, agents' help,
citizens' ratings and what supervisors see.

The top of the core: it may use ``cases``, ``knowledge_base``, ``privacy`` and
``foundation``; nothing in the core uses it.

Public modules and functions:

- ``conversations``: ``record_turn``, ``request_handoff``, ``take_handoff``,
  ``agent_reply``, ``return_to_bot``, ``transcript``, ``is_with_agent``; and what
  the gateway reads (``messages``, ``open_handoff``, ``handoffs_by_status``).
- ``assist``: ``suggest(...)``, an agent's suggestions during a call.
- ``feedback``: ``record_feedback``.
- ``analytics``: ``dashboard(session, day)``.
- ``models``: ``ConversationMessage``, ``Handoff``, ``Feedback``.
"""
