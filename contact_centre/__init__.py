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
- ``retention``: ``purge(session, before=...)`` (anonymise finished cases and
  conversations past ``HOTLINE_RETENTION_DAYS``; ``dry_run``, ``limit``),
  ``purge_daily`` (the scheduler's, once a day), ``cutoff``, ``PurgeReport``.
- ``citizen_rights``: ``export_personal_data(session, phone, operator=...)`` and
  ``erase_personal_data(session, phone, operator=..., reason=...)``, found by the
  phone's keyed hash, audited, an erasure leaving a tombstone.
- ``follow_up``: ``run_due_work`` (time limits, notifications, the day's purge, under
  the scheduler's lease).
- ``analytics``: ``dashboard(session, day)``.
- ``performance``: what managers see over a period: ``overview(session, days)``
  (trends per day and ISO week, on-time rates per unit, overdue and escalated
  orders, 回访 satisfaction per unit and category, automatic dispatch, hot topics),
  and each of its parts; no personal data.
- ``models``: ``ConversationMessage``, ``Handoff``, ``Feedback``.
"""
