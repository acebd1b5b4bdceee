"""Cases a citizen opens: applications and work orders (工单), their routing and time limits.

Uses the catalogue (``knowledge_base``: services, work-order categories, departments)
and ``privacy``; never used by them.

Public modules and functions:

- ``applications``: ``submit_application(session, request)``,
  ``find_application(session, number)``, ``next_steps``.
- ``work_orders``: ``file_work_order(session, request, classifier)``,
  ``find_work_order(session, number)``, ``change_status(...)``,
  ``route_to_department``.
- ``routing``: which category and department a complaint goes to
  (``routing.classify.complaint_classifier(search)``, ``routing.learned``).
- ``tracking``: the numbers citizens read out (``new_number``, ``normalise_number``,
  ``kind_of``, ``find_numbers``).
- ``access``: who may read a case by its number: ``open_case(session, number,
  proof, attempts)`` (and ``open_application``, ``open_work_order``) for its owner,
  ``issue_query_code(record)`` at filing, ``proof_in(text)``, ``attempt_limit()``.
- ``disclosure``: what of a case its owner or staff are shown (``applicant_shown``,
  ``contact_shown``, ``text_shown``; and which personal fields a staff view shows,
  for the audit log: ``application_personal_fields``, ``work_order_personal_fields``).
- ``idempotency``: keys scoped to their client and bound to their request
  (``session_scope``, ``token_scope``, ``address_scope``; a reused key with another
  request raises ``Conflict``).
- ``department_desk``: a handling unit's desk, scoped to its unit: ``unit_queue``
  (its open orders, the nearest deadline first), ``unit_view`` (an order as the unit
  is shown it; another unit's is not found), ``act`` (sign, start, complete, return,
  request an extension, through ``lifecycle``), ``deadline``, ``unit_has_orders``.
- ``workdays``: ``add_working_days``, for time limits.
- ``models``: ``Application``, ``WorkOrder``, ``WorkOrderUpdate``.
"""
