"""Which work-order category, and so which department, a complaint goes to.

- ``classify``: the curated classifier over each category's own vocabulary, built from
  the catalogue and kept per process (``complaint_classifier(search)``).
- ``learned``: a classifier learned from labelled messages, and the top-level
  categories of government message boards.
"""
