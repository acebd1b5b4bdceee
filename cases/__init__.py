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
- ``workdays``: ``add_working_days``, for time limits.
- ``models``: ``Application``, ``WorkOrder``, ``WorkOrderUpdate``.
"""
