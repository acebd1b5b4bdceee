"""The contact centre: conversations and transcripts, hand-off to agents, agents' help,
citizens' ratings and what supervisors see.

The top of the core: it may use ``cases``, ``understanding``, ``safety``,
``knowledge_base``, ``privacy`` and ``foundation``; nothing in the core uses it.

Public modules and functions:

- ``conversations``: ``record_turn``, ``request_handoff`` (``emergency=``: urgent,
  at the head of the queue), ``answer_emergency``, ``take_handoff``,
  ``agent_reply``, ``return_to_bot``, ``transcript``, ``is_with_agent``; and what
  the gateway reads (``messages``, ``open_handoff``, ``handoffs_by_status``, in
  queue order: urgent first, then oldest first).
- ``assist``: ``suggest(...)``, an agent's suggestions during a call, or an emergency
  banner instead of a work order when the caller reports one.
- ``feedback``: ``record_feedback``.
- ``analytics``: ``dashboard(session, day)``.
- ``models``: ``ConversationMessage``, ``Handoff``, ``Feedback``.
"""
