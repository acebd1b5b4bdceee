"""The service catalogue: services, guides, bundles, offices, FAQs, search and answers.

Imports only ``foundation``; cases, the contact centre and every adapter read the
catalogue through it.

Public modules and functions:

- ``services``: ``get_service``, ``get_bundle``, ``service_names``, ``delete_service``.
- ``answers``: ``answer(service, aspect, lang, office, district, on)`` (the
  citizen's district variant, if any; ends with the source and 最近核验 date,
  ``provenance_text``), ``bundle_answer``, ``service_name``, ``district_variant``;
  ``guidance``: steps and materials as plain data.
- ``provenance``: ``checked_on``, ``is_stale`` (``HOTLINE_GUIDE_STALE_DAYS``),
  ``today``: how current a guide is.
- ``offices``: ``office_for(session, service, district, street)``, the street's
  community centre, the district's centre or a city office; ``sync_street_centres``
  derives the street centres from the division list.
- ``resolution``: ``resolve_subject(...)``, which service a citizen means.
- ``workbench``: ``list_guides``, ``review_queue``, ``batch_summary``: what the
  knowledge workbench lists (guides found, versions waiting for a reviewer).
- ``examples``: ``check_examples(index, services)``, whether each service's example
  questions still find it first; ``check_draft(session, content)``, the same with a
  draft in place of its live guide (reads only).
- ``coverage``: ``coverage(index, text)``, whether the catalogue holds the service a
  question names; ``portal``: ``official_portal()``, where to send the citizen when not.
- ``search.engine``: ``SearchEngine``, the process's index (``search.ranking`` explains
  how it ranks).
- ``places``: Shanghai's districts and streets and how citizens name them.
- ``divisions``: ``import_divisions``, the official list of districts and streets
  (街道/镇) kept with its source and date; ``importers.divisions`` reads its CSV.
- ``locations``: ``locate(text, session=...)``, the district and street or town a
  complaint's words point to, with the words that decided (landmarks in
  ``data/landmarks.yml``).
- ``catalogue``, ``importers``, ``seed``, ``synthetic``: the catalogue's file
  format, imports and exports, the curated seed and the platform-scale sample.
- ``models``: ``Service``, ``Department``, ``Office``, ``Bundle``, ``FAQ``,
  ``WorkOrderCategory``, ``DivisionList``, ``Division``.
"""
