"""Which office a citizen is sent to, at the level the service is handled.

Offices exist at three levels: a few city offices that a guide names, the district
centres of the catalogue, and the community affairs acceptance centre
(社区事务受理服务中心) of each street and town. The street centres are not written by
hand: they are derived from the current official list of divisions, so a street that
merges or is renamed changes its centre with the next import, and the services they
handle are those whose guide says so (``handled_at: [street]``). We hold no recorded
address, hours or phone for them, and never make one up.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge_base.models import Office, Service
from knowledge_base.place_sounds import english_division_name
from knowledge_base.repositories.divisions import current_division_list
from knowledge_base.repositories.offices import offices_in_district

STREET_CENTRE = "社区事务受理服务中心"
STREET_CENTRE_EN = "Community Affairs Acceptance Service Center"
STREET_CENTRE_NOTICE = (
    "该中心的地址、办公时间和联系电话本目录暂未收录，请以所在区政府或“一网通办”"
    "公布的信息为准。"
)


def office_for(
    session: Session,
    service: Service,
    district: str | None,
    street: str | None = None,
) -> Office | None:
    """The office that handles a service for where the citizen is.

    Args:
        session: The caller's session.
        service: The service the citizen asks about.
        district: The citizen's district (its official name, 徐汇区), if known.
        street: The division code of the citizen's street or town, if known.

    Returns:
        The community centre of the citizen's street when the service is handled at
        street level; else the district's centre that handles it; else a city office
        that does; None when none is known (the answer then gives the guide's rule).
    """
    if street:
        centre = street_centre(session, street)
        if centre is not None:
            district = district or centre.district
            if "street" in (service.handled_at or ()) and service in centre.services:
                return centre
    if district:
        found = next(
            (
                office
                for office in offices_in_district(session, district)
                if office.level == "district" and service in office.services
            ),
            None,
        )
        if found is not None:
            return found
    return next((office for office in service.offices if office.level == "city"), None)


def street_centre(session: Session, street: str) -> Office | None:
    """The community centre of one street or town, by the division's code."""
    statement = (
        select(Office)
        .where(Office.level == "street", Office.street == street)
        .options(selectinload(Office.services))
    )
    return session.scalars(statement).first()


def street_centre_names(division: str) -> tuple[str, str] | None:
    """The Chinese and English names of a street's or town's community centre.

    Args:
        division: The official name of the street or town, 张江镇.

    Returns:
        ("张江镇社区事务受理服务中心", "Zhangjiang Town Community Affairs Acceptance
        Service Center"); None for a development zone, farm or park, which has none.
    """
    english = english_division_name(division)
    if english is None:
        return None
    stem, level = english
    return f"{division}{STREET_CENTRE}", f"{stem} {level} {STREET_CENTRE_EN}"


def sync_street_centres(session: Session) -> int:
    """Makes the street centres match the current division list and the services
    handled at street level, in the caller's transaction.

    Called after a division list or a catalogue is imported, whichever comes last, so
    the two may be loaded in either order.

    Returns:
        How many street centres there now are: none without a division list, and
        those of a list no longer there are removed.
    """
    division_list = current_division_list(session)
    existing = {
        office.street: office
        for office in session.scalars(
            select(Office)
            .where(Office.level == "street")
            .options(selectinload(Office.services))
        )
    }
    handled = [
        service
        for service in session.scalars(select(Service).order_by(Service.code))
        if "street" in (service.handled_at or ())
    ]
    source = (
        f"按{division_list.source}（{division_list.as_of.isoformat()}）"
        f"所列街镇生成；地址、办公时间、电话未收录"
        if division_list is not None
        else ""
    )
    kept = 0
    for division in division_list.divisions if division_list is not None else ():
        names = street_centre_names(division.name)
        if names is None:
            continue
        office = existing.pop(division.code, None) or Office(
            code=f"street-{division.code}", level="street", street=division.code
        )
        office.name, office.name_en = names
        office.district = division.district
        office.address = office.address_en = None
        office.hours = office.hours_en = office.phone = office.transport = None
        office.source = source
        office.notice = STREET_CENTRE_NOTICE
        office.services = list(handled)
        session.add(office)
        kept += 1
    for gone in existing.values():
        session.delete(gone)
    session.flush()
    return kept
