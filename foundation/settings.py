"""One settings object for every process, read from ``HOTLINE_*`` environment variables.

The defaults give the embedded setup (SQLite file, in-process stores, one replica), so a
fresh clone runs with no configuration; production overrides them by environment alone.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, SecretStr, validator

from foundation.clock import DailyHours

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRET = "change-me-in-production"
# A token sent in a header and written into Rasa's endpoints file (where ``${`` would be
# substituted): URL-safe characters only, and long enough that guessing is hopeless.
_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{32,}")
# The field key is 32 random bytes in base64 (privacy.encryption.load_key reads it).
FIELD_KEY_BYTES = 32
_MAKE_FIELD_KEY = (
    "python -c 'import base64, secrets; "
    "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'"
)


# The bounds of HOTLINE_RETENTION_DAYS.
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 30, 3650


class Settings(BaseSettings):
    environment: str = "dev"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'hotline.db'}"
    var_dir: Path = PROJECT_ROOT / "var"
    catalogue_dir: Path = PROJECT_ROOT / "knowledge_base" / "data" / "catalogue"
    secret_key: str = PLACEHOLDER_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    rasa_timeout_s: float = 30.0
    cors_origins: list[str] = ["http://127.0.0.1:8000", "http://localhost:8000"]
    max_body_bytes: int = 64 * 1024
    rate_limit_per_ip: str = "300/minute"
    rate_limit_per_session: str = "30/minute"
    # The widget polls a conversation for agents' replies every 2 s: counted per
    # session (two tabs' worth), not per address, so citizens behind one NAT do not
    # lock each other out; the per-address ceiling only stops one client flooding
    # the gateway with made-up session ids.
    rate_limit_polling_per_session: str = "60/minute"
    rate_limit_polling_per_ip: str = "6000/minute"
    # Agents and admins are counted per token: a call centre's agents share one address.
    rate_limit_per_agent: str = "600/minute"
    rate_limit_storage_url: str = "memory://"
    # The proxies in front of the gateway, as addresses or networks ("10.0.0.0/8"): only
    # their X-Forwarded-For names the client, for the per-address limits. None by
    # default: the connecting address is the client's.
    trusted_proxies: list[str] = []
    # Failed proofs (phone digits, query code) per tracking number, from anywhere; then
    # the number is refused until the window has passed (cases/access.py).
    rate_limit_per_case: str = "5/hour;10/day"
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    wechat_token: str = ""
    wechat_aes_key: str = ""
    wechat_api_base_url: str = "https://api.weixin.qq.com"
    wechat_max_clock_skew_s: int = 300
    # Production mode is these three (docs/deploy.md). Empty keeps the embedded setup:
    # Rasa's in-memory tracker and lock stores, and in-process gateway state.
    tracker_store_url: str = ""  # postgresql://user:password@host:port/db
    lock_store_url: str = ""  # redis://[:password@]host:port/db
    # Shared state: the gateways' rate limits and WeChat nonces, and the failed case
    # proofs per number that the gateways and the action server count together.
    redis_url: str = ""
    # How often each process reads the catalogue's revision to follow changes made elsewhere.
    # A published guide or a rollback must answer everywhere within 5 s, the rebuild
    # of the index included (about 1 s for the curated catalogue).
    catalogue_check_interval_s: float = 2.0
    # How often a gateway runs the work-order follow-up (time limits, notifications);
    # one replica at a time works, by lease. 0 turns the timer off (``hotline worker``
    # still runs it once).
    worker_interval_s: float = 60.0
    # The secret the gateway, Rasa and the action server show each other
    # (foundation/internal_token.py). Required outside dev; in dev, unset, one is made
    # once and kept in var_dir.
    internal_token: SecretStr | None = None
    # /metrics answers only "Authorization: Bearer <this>"; unset, it is not served.
    metrics_token: SecretStr | None = None
    # Rasa's server with the fixes to its cost (bot/rasa_fixes, docs/rasa-fixes.md); off
    # (HOTLINE_RASA_FIXES=off) runs Rasa as it comes, e.g. to try a newer Rasa.
    rasa_fixes: bool = True
    # How long an agent's or admin's bearer token is valid (privacy/auth.py): after it,
    # the token is refused like an unknown one and its holder asks for a new one.
    token_ttl_days: int = 90
    # The master key of the personal fields encrypted at rest and of their lookup
    # hashes (privacy/keys.py, docs/privacy.md): 32 random bytes in base64. Required
    # outside dev; in dev, unset, it is derived from secret_key, so a fresh clone runs
    # (and changing the secret key there makes the stored personal data unreadable).
    field_key: SecretStr | None = None
    # How long a finished case and a conversation are kept with their personal data,
    # in days since they were last active (contact_centre/retention.py,
    # docs/privacy.md): then the daily purge anonymises them. Open cases are kept.
    retention_days: int = 180
    # How long a request for a person waits in the agents' queue before it expires and
    # the citizen is offered a callback instead (contact_centre/handoff.py).
    handoff_wait_s: float = 600.0
    # When agents answer, every day, Shanghai time: "08:00-20:00", or several ranges
    # separated by commas. Outside them a request for a person is not queued: the
    # citizen is offered a callback at once (an emergency is queued all the same).
    agent_hours: str = "08:00-20:00"
    # A guide last verified (最近核验) longer ago than this says so in every answer and
    # sends the citizen to the official portal (knowledge_base/provenance.py).
    guide_stale_days: int = 180

    class Config:
        env_prefix = "HOTLINE_"
        env_file = ".env"

    @validator("secret_key")
    def _reject_placeholder_secret_outside_dev(
        cls, value: str, values: dict[str, Any]
    ) -> str:
        if value == PLACEHOLDER_SECRET and values.get("environment") != "dev":
            raise ValueError("set HOTLINE_SECRET_KEY to a real secret outside dev")
        return value

    @validator("internal_token", "metrics_token", "field_key", pre=True)
    def _unset_when_empty(cls, value: Any) -> Any:
        # An empty variable (compose's ``${X:-}``) means unset.
        return value or None

    @validator("internal_token", "metrics_token")
    def _reject_weak_tokens(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError(
                "must be at least 32 characters of A-Z a-z 0-9 . _ ~ + / = -, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @validator("internal_token", always=True)
    def _require_internal_token_outside_dev(
        cls, value: SecretStr | None, values: dict[str, Any]
    ) -> SecretStr | None:
        if value is None and values.get("environment") != "dev":
            raise ValueError("set HOTLINE_INTERNAL_TOKEN outside dev")
        return value

    @validator("field_key")
    def _field_key_is_32_bytes(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _is_a_field_key(value.get_secret_value()):
            raise ValueError(
                f"must be {FIELD_KEY_BYTES} random bytes in base64, e.g. "
                + _MAKE_FIELD_KEY
            )
        return value

    @validator("field_key", always=True)
    def _require_field_key_outside_dev(
        cls, value: SecretStr | None, values: dict[str, Any]
    ) -> SecretStr | None:
        if value is None and values.get("environment") != "dev":
            raise ValueError(
                "set HOTLINE_FIELD_KEY outside dev (personal data is encrypted under "
                "it), e.g. " + _MAKE_FIELD_KEY
            )
        return value

    @validator("token_ttl_days")
    def _token_lifetime_is_positive(cls, value: int) -> int:
        if not 1 <= value <= 3650:
            raise ValueError("a token lives between 1 and 3650 days")
        return value

    @validator("retention_days")
    def _retention_is_a_month_to_ten_years(cls, value: int) -> int:
        # Under a month, a closed order's 回访, 重办 or review could find its details
        # gone; past ten years is no retention at all.
        if not MIN_RETENTION_DAYS <= value <= MAX_RETENTION_DAYS:
            raise ValueError(
                f"personal data is kept between {MIN_RETENTION_DAYS} and "
                f"{MAX_RETENTION_DAYS} days"
            )
        return value

    @validator("handoff_wait_s")
    def _handoff_wait_is_a_minute_to_a_day(cls, value: float) -> float:
        if not 60 <= value <= 86400:
            raise ValueError("a request for a person waits between 60 and 86400 s")
        return value

    @validator("guide_stale_days")
    def _guide_staleness_is_a_week_to_ten_years(cls, value: int) -> int:
        if not 7 <= value <= 3650:
            raise ValueError("a guide goes stale after between 7 and 3650 days")
        return value

    @validator("agent_hours")
    def _agent_hours_are_ranges_of_the_day(cls, value: str) -> str:
        DailyHours.parse(value)  # a ValueError names the bad part
        return value

    @validator("trusted_proxies", each_item=True)
    def _proxy_is_an_address_or_network(cls, value: str) -> str:
        ipaddress.ip_network(value, strict=False)  # a ValueError names the bad one
        return value


def _is_a_field_key(text: str) -> bool:
    """Whether ``text`` is 32 bytes in base64, URL-safe or standard, padded or not."""
    text = text.strip()
    try:
        raw = base64.b64decode(
            text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4),
            validate=True,
        )
    except (binascii.Error, ValueError):
        return False
    return len(raw) == FIELD_KEY_BYTES


@lru_cache
def get_settings() -> Settings:
    return Settings()
