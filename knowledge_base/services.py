"""One service or bundle of the catalogue, as the adapters read and change it.

Routes and actions ask here rather than of the repositories, so that what a change
to the catalogue must also do (raise its revision, so every process follows) stays
inside the core.
"""

from __future__ import annotations

from knowledge_base.repositories.bundles import get_bundle
from knowledge_base.repositories.services import (
    delete_service,
    get_service,
    service_names,
)

__all__ = ["delete_service", "get_bundle", "get_service", "service_names"]
