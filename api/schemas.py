"""Request and response bodies of the public API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, conint, constr, validator
from pydantic.datetime_parse import parse_datetime

from cases.lifecycle import MAX_EXTENSION_DAYS
from foundation.clock import SHANGHAI

MAX_MESSAGE_CHARS = 2000
SessionId = constr(
    strip_whitespace=True, min_length=1, max_length=128, regex=r"^[A-Za-z0-9_.:@-]+$"
)


class LocalTime(dt.datetime):
    """A time as stored (Shanghai, without an offset), sent with its offset.

    "2026-12-02T10:30:00+08:00" means the same instant to a browser, the mini-program
    and an integrating system in any time zone.
    """

    @classmethod
    def __get_validators__(cls):
        yield cls._with_offset

    @classmethod
    def __modify_schema__(cls, field_schema: dict) -> None:
        field_schema.update(type="string", format="date-time")

    @classmethod
    def _with_offset(cls, value) -> dt.datetime:
        moment = parse_datetime(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


class _Strict(BaseModel):
    class Config:
        extra = "forbid"


class ServiceHit(BaseModel):
    code: str
    kind: str
    name: str
    name_en: str
    score: float


class SearchResults(BaseModel):
    query: str
    results: list[ServiceHit]


class StepOut(BaseModel):
    title: str
    detail: str


class MaterialOut(BaseModel):
    name: str
    required: bool
    form: str
    count: int
    notes: str | None


class DepartmentOut(BaseModel):
    code: str
    name: str
    name_en: str


class ServicePublic(BaseModel):
    code: str
    name: str
    name_en: str
    department: DepartmentOut
    category: str
    audience: str
    region: str
    summary: str
    eligibility: str
    steps: list[StepOut]
    materials: list[MaterialOut]
    fees: str
    is_free: bool
    statutory_days: int | None
    promised_days: int | None
    time_limit: str
    online_available: bool
    online_url: str | None
    offline_where: str
    hours: str | None
    phone: str | None
    legal_basis: str | None
    source: str
    source_url: str | None
    notice: str
    updated_at: str
    # 最近核验; ``stale`` when it is older than HOTLINE_GUIDE_STALE_DAYS (or, never
    # verified, its update is).
    verified_at: str | None = None
    stale: bool = False


class Health(BaseModel):
    status: str
    checks: dict[str, str]


class ErrorBody(BaseModel):
    error: str
    detail: str | list | dict | None = None


class Button(BaseModel):
    title: str
    payload: str


class Reply(BaseModel):
    text: str
    buttons: list[Button] = []


class Intent(BaseModel):
    name: str
    confidence: float


class ServiceRef(BaseModel):
    code: str
    name: str


class ChatRequest(_Strict):
    session_id: SessionId | None = Field(
        None,
        description="the session_id of the gateway's last answer; none on the first "
        "message. One the gateway did not issue (or that has expired) starts a new "
        "session; wx: ids are refused (400)",
    )
    text: constr(
        strict=True, strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS
    )
    lang: str | None = Field(None, regex="^(zh|en)$")


class ChatResponse(BaseModel):
    session_id: str = Field(
        ...,
        description="the session to send with the next message and to poll with: "
        "keep it, it may differ from the one sent (new, or renewed)",
    )
    replies: list[Reply]
    intent: Intent | None
    service: ServiceRef | None
    handoff: bool


class MessageOut(BaseModel):
    id: int
    sender: str
    text: str
    buttons: list[Button] = []
    created_at: LocalTime


class MessagesOut(BaseModel):
    messages: list[MessageOut]
    handoff: str


class ChatMessagesOut(MessagesOut):
    session_id: str = Field(
        ..., description="the session, renewed: keep it in place of the one sent"
    )
    queue_position: int | None = Field(
        None,
        description="while the hand-off waits, the citizen's place in the agents' "
        "queue (1 = next); else null",
    )


class SuggestRequest(_Strict):
    text: constr(
        strict=True, strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS
    )
    top_k: int = Field(3, ge=1, le=10)


class SuggestionOut(BaseModel):
    service_code: str
    service_name: str
    score: float
    answer: str
    steps: list[str]
    materials: list[str]
    # The guide's source and 最近核验 date; with the stale warning when ``stale``.
    provenance: str = ""
    stale: bool = False


class RoutingAlternative(BaseModel):
    category: str
    category_name: str
    department: str
    department_name: str
    top_level: str
    confidence: float


class WorkOrderHintOut(BaseModel):
    category: str
    category_name: str
    department: str
    department_name: str
    time_limit_days: int
    top_level: str = Field(..., description="one of the 7 top-level categories")
    confidence: float = Field(
        ..., description="a probability when a learned model routed it"
    )
    automatic: bool = Field(
        ..., description="whether it would be dispatched without review"
    )
    model_version: str | None = Field(
        ..., description="the learned routing model; null: the curated classifier"
    )
    alternatives: list[RoutingAlternative]
    deciding_words: list[str] = Field(
        ..., description="the words of the text that decided the category"
    )
    duty: str = Field(..., description="the handling unit's duty here (职责)")


class EmergencyOut(BaseModel):
    """The banner an agent sees when the caller reports an emergency."""

    kind: str = Field(..., description="what is happening, e.g. fire, self_harm")
    numbers: list[str] = Field(..., description="numbers to call, the first first")
    advice: str = Field(..., description="what to tell the caller now")


class DivisionOut(BaseModel):
    code: str = Field(..., description="official code: 6 digits a district, 9 a street")
    name: str


class WorkOrderDraftOut(BaseModel):
    """The work order as the transcript fills it; the agent corrects what is wrong."""

    category: str
    category_name: str
    unit: str | None = Field(..., description="the handling unit (承办单位)")
    unit_level: str | None = Field(..., description="city, district or street")
    unit_reason: str | None
    district: DivisionOut | None
    street: DivisionOut | None = Field(..., description="the street or town (街道/镇)")
    place_words: list[str] = Field(
        ..., description="the words that decided the district and street"
    )
    address: str | None = Field(..., description="the place as the caller said it")
    occurred: str | None = Field(..., description="when it happened, as said")
    occurred_on: str | None = Field(
        ..., description="ISO date or date-time, where the words name one day"
    )
    demand: str | None = Field(..., description="what the caller wants (诉求)")
    demand_stated: bool = Field(
        ..., description="false: no request was said; demand is what is wrong"
    )


class SuggestResponse(BaseModel):
    intent: Intent | None
    suggestions: list[SuggestionOut]
    work_order: WorkOrderHintOut | None
    # Set for an emergency, instead of suggestions and a work order.
    emergency: EmergencyOut | None = None
    # The service the caller named when the catalogue does not hold it: the
    # suggestions are related services only, never the answer.
    not_held: str | None = None
    # For a complaint or a pasted call transcript; never for an emergency.
    draft: WorkOrderDraftOut | None = None


class ApplicationCreate(_Strict):
    service_code: constr(
        strict=True, strip_whitespace=True, min_length=1, max_length=64
    )
    applicant_name: constr(
        strict=True, strip_whitespace=True, min_length=1, max_length=50
    )
    id_number: constr(strict=True, strip_whitespace=True, min_length=1, max_length=30)
    phone: constr(strict=True, strip_whitespace=True, min_length=1, max_length=30)
    district: constr(strict=True, strip_whitespace=True, min_length=1, max_length=40)
    consent: bool
    session_id: SessionId | None = None


class ApplicationPublic(BaseModel):
    number: str
    service: ServiceRef
    applicant_name: str
    id_number: str
    phone: str
    district: str
    status: str
    status_text: str
    next_steps: str
    created_at: LocalTime
    updated_at: LocalTime


class ApplicationCreated(ApplicationPublic):
    query_code: str | None = Field(
        None,
        description="only for a record filed without a phone: the code its owner "
        "reads it with, given in this response only (just its hash is kept)",
    )


class CaseLookup(_Strict):
    """A citizen's proof that a case is theirs: its number and one of two secrets."""

    number: constr(strict=True, strip_whitespace=True, min_length=1, max_length=32) = (
        Field(..., description="the tracking number, e.g. GD26120648271903")
    )
    phone_last4: (
        constr(strict=True, strip_whitespace=True, regex=r"^[0-9]{4}$") | None
    ) = Field(
        None, description="last four digits of the mobile number given when filing"
    )
    query_code: (
        constr(strict=True, strip_whitespace=True, min_length=1, max_length=32) | None
    ) = Field(
        None, description="the query code given at filing to a record without a phone"
    )

    @validator("query_code", always=True)
    def _one_proof(cls, value, values):
        if (value is None) == (values.get("phone_last4") is None):
            raise ValueError("give either phone_last4 or query_code")
        return value

    @property
    def proof(self) -> str:
        return self.phone_last4 or self.query_code or ""


class WorkOrderCreate(_Strict):
    description: constr(
        strict=True, strip_whitespace=True, min_length=1, max_length=5000
    )
    category: constr(strict=True, strip_whitespace=True, max_length=64) | None = None
    district: constr(strict=True, strip_whitespace=True, max_length=40) | None = None
    address: constr(strict=True, strip_whitespace=True, max_length=500) | None = None
    occurred_at: constr(strict=True, strip_whitespace=True, max_length=100) | None = (
        None
    )
    contact_name: constr(strict=True, strip_whitespace=True, max_length=50) | None = (
        None
    )
    contact_phone: constr(strict=True, strip_whitespace=True, max_length=30) | None = (
        None
    )
    anonymous: bool = False
    session_id: SessionId | None = None
    language: Literal["zh", "en"] = Field(
        "zh", description="the language the citizen is told of its progress in"
    )
    join_duplicates: bool = Field(
        False,
        description="join the open order of the same event if there is one: the "
        "order is filed as merged into it (merged_into), and its citizen is told of "
        "that order's progress",
    )
    kind: Literal["problem", "praise"] = Field(
        "problem",
        description="praise (表扬) is passed on to the unit it names and closed at "
        "once: nothing is asked of the unit, and it never joins another order",
    )


class WorkOrderUpdateIn(_Strict):
    status: constr(strict=True, strip_whitespace=True, min_length=1, max_length=16)
    note: constr(strict=True, strip_whitespace=True, max_length=2000) | None = None


class WorkOrderHistoryOut(BaseModel):
    status: str
    note: str | None
    actor: str
    created_at: LocalTime


class WorkOrderPublic(BaseModel):
    number: str
    category: str
    category_name: str
    department: str
    department_name: str
    district: str | None
    address: str | None
    occurred_at: str | None
    description: str
    contact_name: str | None
    contact_phone: str | None
    anonymous: bool
    status: str
    status_text: str
    due_date: dt.date
    created_at: LocalTime
    history: list[WorkOrderHistoryOut]
    top_level: str | None = None
    # automatic, agent-confirmed or agent-corrected; null while waiting for review.
    dispatch_method: str | None = None
    routing_confidence: float | None = None
    routing_model: str | None = None
    # The handling unit (属地): its level (city, district, street) and name, and the
    # street or town the complaint was located in.
    unit_level: str | None = None
    unit_name: str | None = None
    street: str | None = None
    # A report of an event already open: the number of the order handled for it.
    merged_into: str | None = None
    # problem, or praise passed on to its unit (closed at once).
    kind: str = "problem"


class WorkOrderCreated(WorkOrderPublic):
    query_code: str | None = Field(
        None,
        description="only for an order filed without a phone (anonymous): the code its "
        "owner reads it with, given in this response only (just its hash is kept)",
    )


class FeedbackCreate(_Strict):
    rating: int = Field(..., ge=1, le=5)
    comment: constr(strict=True, strip_whitespace=True, max_length=2000) | None = None
    session_id: SessionId | None = None

    @validator("rating", pre=True)
    def _whole_number(cls, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("rating must be a whole number from 1 to 5")
        return value


class FeedbackOut(BaseModel):
    id: int
    rating: int
    created_at: LocalTime


class HandoffOut(BaseModel):
    id: int
    session_id: str
    status: str
    language: str
    channel: str
    # An emergency: listed first, marked in the console; ``emergency`` is its kind.
    urgent: bool = False
    emergency: str | None = None
    # Who has taken it: the name to show, and the id of the token that owns it.
    agent: str | None
    agent_id: int | None = None
    requested_at: LocalTime
    taken_at: LocalTime | None
    last_message: str | None = None


class ReviewOrderOut(BaseModel):
    number: str
    description: str = Field(..., description="personal data masked")
    district: str | None
    address: str | None
    created_at: LocalTime
    category: str
    top_level: str | None
    confidence: float | None
    model_version: str | None
    suggestions: list[RoutingAlternative]
    unit_level: str | None
    unit_name: str | None
    street: str | None


class ReviewQueue(BaseModel):
    orders: list[ReviewOrderOut]


class DispatchDecision(_Strict):
    category: constr(strict=True, strip_whitespace=True, min_length=1, max_length=32)


class DuplicateOut(BaseModel):
    """An order as an agent compares it with another; personal data masked."""

    number: str
    status: str
    status_text: str
    category_name: str
    district: str | None
    street: str | None
    address: str | None
    description: str
    created_at: LocalTime
    unit_name: str | None
    # How alike the two are (0 to 1), and why, as the matcher found them.
    score: float | None = None
    reasons: list[str] = []


class DuplicatesOut(BaseModel):
    number: str
    status: str
    # The order it is merged into, when it is a merged report.
    merged_into: str | None
    candidates: list[DuplicateOut]
    joined: list[DuplicateOut]


class CallerLookupIn(_Strict):
    phone: constr(strict=True, strip_whitespace=True, min_length=1, max_length=30) = (
        Field(..., description="the mobile number the caller gave when filing")
    )


class CallerCaseOut(BaseModel):
    kind: Literal["work_order", "application"]
    number: str
    subject: str = Field(
        ..., description="a work order's category, an application's service"
    )
    status: str
    filed_at: LocalTime
    handled_by: str | None


class CallerCasesOut(BaseModel):
    phone: str = Field(..., description="the number looked up, masked")
    cases: list[CallerCaseOut] = Field(..., description="newest first")
    more: bool = Field(..., description="more cases are filed with it than listed")


class MergeIn(_Strict):
    into: constr(
        strict=True, strip_whitespace=True, to_upper=True, min_length=16, max_length=16
    ) = Field(..., description="the number of the order that is handled for both")


class SplitIn(_Strict):
    note: constr(strict=True, strip_whitespace=True, max_length=500) | None = None


class HandoffList(BaseModel):
    handoffs: list[HandoffOut]


class AgentReply(_Strict):
    text: constr(
        strict=True, strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS
    )


# ---------------------------------------------------------------- department workbench

UnitAction = Literal["sign", "start", "complete", "return", "request_extension"]
CentreAction = Literal[
    "approve_extension", "refuse_extension", "supervise", "visit", "close"
]
ActionNote = constr(strict=True, strip_whitespace=True, max_length=2000)
ExtensionDays = conint(strict=True, ge=1, le=MAX_EXTENSION_DAYS)


class DeadlineOut(BaseModel):
    kind: str = Field(
        ...,
        description="sign (签收) for an order not yet signed for, handle (办结) after",
    )
    due: dt.date
    urgency: str = Field(
        ...,
        description="overdue (past), near (today or the next working day) or on_time",
    )


class DepartmentQueueItem(BaseModel):
    number: str
    category: str
    category_name: str
    status: str
    status_text: str
    district: str | None
    street: str | None
    excerpt: str = Field(
        ..., description="the description's start, personal data masked"
    )
    created_at: LocalTime
    deadline: DeadlineOut
    extension_days: int | None = Field(
        ..., description="working days of an extension the centre has yet to decide on"
    )
    supervised: bool = Field(..., description="escalated (督办) at least once")
    reopened: bool = Field(..., description="sent back after a 不满意 回访 (重办)")


class DepartmentQueue(BaseModel):
    unit: str = Field(..., description="the handling unit the token is scoped to")
    total: int = Field(..., description="orders waiting for the unit, listed or not")
    orders: list[DepartmentQueueItem]


class DepartmentHistoryOut(BaseModel):
    status: str
    action: str | None
    note: str | None
    actor: str
    created_at: LocalTime


class DepartmentOrder(BaseModel):
    number: str
    category: str
    category_name: str
    department_name: str = Field(..., description="the lead city department (主办)")
    unit_name: str | None
    unit_level: str | None
    district: str | None
    street: str | None
    address: str | None
    occurred_at: str | None
    description: str
    contact_in_clear: bool = Field(
        ...,
        description="the contact and the free text are shown as filed only while the "
        "unit handles the order (signed, in_progress), and that read is audited; "
        "before signing and after completion they are masked",
    )
    contact_name: str | None
    contact_phone: str | None
    anonymous: bool
    status: str
    status_text: str
    created_at: LocalTime
    sign_due_date: dt.date | None
    signed_at: LocalTime | None
    due_date: dt.date
    deadline: DeadlineOut | None = Field(
        ..., description="the deadline that matters now; null once the unit is done"
    )
    extension_days: int | None
    supervision_count: int
    reopened_count: int
    reporters: int = Field(
        1,
        description="the citizens who reported this event: the order's own and those "
        "of the reports merged into it (并单), each told of the result",
    )
    result: str | None = Field(..., description="the 办理结果 the unit replied with")
    completed_at: LocalTime | None
    actions: list[str] = Field(
        ...,
        description="what the unit may do now: sign, start, complete, return, "
        "request_extension",
    )
    history: list[DepartmentHistoryOut]


class DepartmentActionIn(_Strict):
    action: UnitAction
    note: ActionNote | None = Field(
        None,
        description="the 办理结果 for complete; the reason for return and "
        "request_extension",
    )
    days: ExtensionDays | None = Field(
        None, description="working days asked for, with request_extension"
    )


class CentreActionIn(_Strict):
    action: CentreAction
    note: ActionNote | None = Field(
        None, description="why (needed to refuse an extension); 回访's comment"
    )
    days: ExtensionDays | None = Field(
        None, description="working days, for an action that takes them"
    )
    satisfaction: Literal["satisfied", "basically_satisfied", "dissatisfied"] | None = (
        Field(None, description="the citizen's answer, with visit (回访)")
    )


class DepartmentNotice(BaseModel):
    id: int
    number: str = Field(..., description="the work order the notice is about")
    kind: str = Field(
        ...,
        description="sign_overdue (逾期未签收, escalated), due_warning (80% of the "
        "handling time used) or overdue (past the due date, escalated)",
    )
    text: str = Field(..., description="as the centre wrote it; no personal data")
    created_at: LocalTime
    in_queue: bool = Field(
        ...,
        description="the order still waits for this unit and can be opened; false "
        "once done with or dispatched elsewhere",
    )


class DepartmentNotices(BaseModel):
    unit: str = Field(..., description="the handling unit the token is scoped to")
    total: int = Field(..., description="notices sent to the unit, listed or not")
    notices: list[DepartmentNotice] = Field(..., description="the newest first")


# ---------------------------------------------------------------- the centre's desk

CentreReason = Literal[
    "returned", "extension", "overdue", "supervised", "visit", "close"
]


class CentreRemarkOut(BaseModel):
    actor: str = Field(..., description="who at the unit")
    at: LocalTime
    note: str | None = Field(..., description="what they wrote, personal data masked")


class CentreQueueItem(BaseModel):
    number: str
    category: str
    category_name: str
    department_name: str
    unit_name: str | None
    unit_level: str | None
    district: str | None
    street: str | None
    status: str
    status_text: str
    excerpt: str = Field(
        ..., description="the description's start, personal data masked"
    )
    created_at: LocalTime
    updated_at: LocalTime
    due_date: dt.date
    reasons: list[CentreReason] = Field(
        ..., description="why it waits for the centre; the first decides its place"
    )
    returned: CentreRemarkOut | None = Field(
        ..., description="the unit's 退回 and its reason, for a returned order"
    )
    extension_days: int | None = Field(
        ..., description="working days of the extension awaiting a decision"
    )
    extension: CentreRemarkOut | None = Field(
        ..., description="the unit's 延期 request and its reason"
    )
    extended_due: dt.date | None = Field(
        ..., description="the due date if the extension is approved"
    )
    deadline: DeadlineOut | None = Field(
        ..., description="the time limit that matters now, while a unit has it"
    )
    supervision_count: int
    supervised_at: LocalTime | None
    reopened_count: int
    result: str | None = Field(..., description="the 办理结果, personal data masked")
    completed_at: LocalTime | None
    conversation: bool = Field(
        ...,
        description="filed from a conversation, where the citizen was asked the 回访; "
        "false: the centre phones",
    )
    satisfaction: str | None
    suggestions: list[RoutingAlternative] = Field(
        ..., description="the router's top categories, for 改派"
    )
    actions: list[str] = Field(
        ...,
        description="the centre's actions the order allows now: dispatch (改派, by "
        "POST …/dispatch), approve_extension, refuse_extension, supervise, visit, "
        "close (by POST …/actions)",
    )


class CentreQueue(BaseModel):
    total: int = Field(
        ..., description="orders waiting for the centre (for the reason asked)"
    )
    waiting: int = Field(
        ..., description="orders waiting for the centre, whatever reason was asked"
    )
    counts: dict[str, int] = Field(
        ..., description="orders per reason, all of them, whatever was asked"
    )
    orders: list[CentreQueueItem]


class CategoryOut(BaseModel):
    code: str
    name: str
    department_name: str = Field(..., description="the lead department (主办)")
    level: str = Field(..., description="city, district or street: who handles it")
    time_limit_days: int


class CategoryList(BaseModel):
    categories: list[CategoryOut]
