"""The contact centre: conversations and transcripts, hand-off to agents, agents' help,
citizens' ratings and what supervisors see.

The top of the core: it may use ``cases``, ``understanding``, ``safety``,
``knowledge_base``, ``privacy`` and ``foundation``; nothing in the core uses it.

Public modules and functions:

- ``conversations``: ``record_message``, ``record_turn``, ``transcript``; and what the
  gateway reads (``messages``, ``open_handoff``, ``buttons_since_the_citizen_wrote``).
- ``handoff``: the hand-off state machine the citizen can always leave (its table is
  the module's docstring): ``ask_for_person`` (within ``HOTLINE_AGENT_HOURS``, else a
  callback offered), ``request_handoff`` (``emergency=``: urgent, at the head of the
  queue, any hour), ``answer_emergency``, ``is_cancel`` and ``leave``, ``standing``
  (status and place, expiring one past ``HOTLINE_HANDOFF_WAIT_S``), ``expire_overdue``
  (the worker's), ``position_worth_telling``, ``agents_queue``, ``take_handoff``,
  ``agent_reply``, ``return_to_bot`` (a taken conversation is its agent's, by token:
  only they or an admin reply and hand back, each given as a ``privacy.auth.Staff``).
- ``assist``: ``suggest(...)``, an agent's suggestions during a call, or an emergency
  banner instead of a work order when the caller reports one.
- ``prefill``: ``prefill_work_order(session, router, text)``, the work-order draft a
  call transcript fills (category, unit, district, street, address, when, demand).
- ``feedback``: ``record_feedback``.
- ``knowledge_gaps``: ``knowledge_gaps(session, since=..., until=..., limit=...)``, what
  citizens asked that the guides could not answer, clustered, ranked, masked
  (``Gap``); ``period_start`` reads "7d", "24h" or a date.
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
- ``channel_messages``: ``queue_for_citizen`` (a message owed to a WeChat user: an
  agent's reply, a queue place, the end of a hand-off; other channels read their
  transcript) and ``deliver`` (the worker's, within WeChat's 48 hours, retried, once).
- ``wechat_client``: ``text_sender(settings)``, WeChat's customer-service API through
  wechatpy's client, its errors the core's (``RateLimited``, ``OutsideReplyWindow``).
- ``models``: ``ConversationMessage``, ``Handoff``, ``Feedback``, ``ChannelMessage``.
"""
