"""The contact centre: conversations and transcripts, hand-off to agents, agents' help,
citizens' ratings and what supervisors see.

The top of the core: it may use ``cases``, ``understanding``, ``safety``,
``knowledge_base``, ``privacy`` and ``foundation``; nothing in the core uses it.

Public modules and functions:

- ``conversations``: ``record_turn``, ``request_handoff`` (``emergency=``: urgent,
  at the head of the queue), ``answer_emergency``, ``take_handoff``,
  ``agent_reply``, ``return_to_bot`` (a taken conversation is its agent's, by token:
  only they or an admin reply and hand back, each given as a ``privacy.auth.Staff``),
  ``transcript``, ``is_with_agent``; and what
  the gateway reads (``messages``, ``open_handoff``, ``handoffs_by_status``, in
  queue order: urgent first, then oldest first).
- ``assist``: ``suggest(...)``, an agent's suggestions during a call, or an emergency
  banner instead of a work order when the caller reports one.
- ``prefill``: ``prefill_work_order(session, router, text)``, the work-order draft a
  call transcript fills (category, unit, district, street, address, when, demand).
- ``feedback``: ``record_feedback``.
- ``analytics``: ``dashboard(session, day)``.
- ``models``: ``ConversationMessage``, ``Handoff``, ``Feedback``.
"""
