"""The supervisors' dashboard: one day's figures for the agent console."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import get_db, require_agent
from api.params import CalendarDay
from contact_centre import analytics
from privacy.models import ApiToken

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])


class IntentCountOut(BaseModel):
    intent: str
    count: int


class UnansweredOut(BaseModel):
    text: str
    count: int
    last_asked: dt.datetime


class HandoffStatsOut(BaseModel):
    requested: int
    waiting: int
    active: int
    average_wait_seconds: float | None


class SatisfactionOut(BaseModel):
    count: int
    average: float | None
    distribution: dict[int, int]
    recent_comments: list[str]


class DashboardOut(BaseModel):
    day: dt.date
    messages: int
    conversations: int
    hourly: list[int]
    top_intents: list[IntentCountOut]
    handoffs: HandoffStatsOut
    unanswered: list[UnansweredOut]
    satisfaction: SatisfactionOut
    work_orders: int
    applications: int


@router.get("/dashboard", response_model=DashboardOut)
def read_dashboard(
    day: CalendarDay | None = Query(
        None, description="Shanghai calendar day, YYYY-MM-DD; today by default"
    ),
    top: int = Query(10, ge=1, le=50),
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> DashboardOut:
    """Volume, hourly traffic, top intents, hand-offs, unanswered questions, ratings."""
    figures = analytics.dashboard(db, day, top=top)
    return DashboardOut(
        day=figures.day,
        messages=figures.messages,
        conversations=figures.conversations,
        hourly=figures.hourly,
        top_intents=[IntentCountOut(**i.__dict__) for i in figures.top_intents],
        handoffs=HandoffStatsOut(**figures.handoffs.__dict__),
        unanswered=[UnansweredOut(**u.__dict__) for u in figures.unanswered],
        satisfaction=SatisfactionOut(**figures.satisfaction.__dict__),
        work_orders=figures.work_orders,
        applications=figures.applications,
    )
