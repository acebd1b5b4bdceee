"""A Redis lock store whose every step is one atomic Redis command.

Several Rasa replicas share the conversations, so two messages of one conversation can
arrive on two replicas at once; each must be read, answered and saved before the next
is read, or one of them is lost. Rasa 3.6's ``RedisLockStore`` issues tickets by
reading the lock, adding a ticket and writing it back: two replicas doing that at the
same moment both get ticket 0, both proceed, and the tracker store keeps only one of
the two messages (RasaHQ/rasa#9213; the fix went only into Rasa Pro). Here:

- a ticket number comes from ``INCR``, so no two messages share one;
- the waiting tickets are a sorted set, so the lowest live ticket is served first and
  messages are answered in the order they arrived;
- each ticket also has a key that expires after the lock's lifetime, so a replica that
  died holding the lock blocks its conversation for that long at most, as in Rasa.

Configured in the endpoints file as ``lock_store: {type: bot.lock_store.AtomicRedisLockStore,
url: …, port: …, db: …}`` (``knowledge_base/rasa_endpoints.py`` writes it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

DEFAULT_KEY_PREFIX = "hotline:lock:"
# How often a waiting message looks whether its turn has come. Rasa's own store waits
# a whole second between looks, which a citizen's second message would feel.
POLL_S = 0.02
# The ticket counter outlives any queue on it, so numbers never restart under a waiter.
COUNTER_TTL_S = 24 * 3600


class AtomicRedisLockStore(LockStore):
    """Per-conversation first-come, first-served locks in Redis, safe across processes."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        import redis

        settings: dict[str, Any] = endpoint_config.kwargs
        self._redis = redis.StrictRedis(
            host=endpoint_config.url or "localhost",
            port=int(settings.get("port", 6379)),
            db=int(settings.get("db", 0)),
            username=settings.get("username"),
            password=settings.get("password"),
            ssl=bool(settings.get("use_ssl", False)),
            socket_timeout=float(settings.get("socket_timeout", 10)),
        )
        self._prefix = settings.get("key_prefix", DEFAULT_KEY_PREFIX)
        super().__init__()

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_S,
    ) -> AsyncIterator[TicketLock]:
        """Wait for this conversation's turn, hold it for the block, then pass it on.

        Raises:
            LockError: when this message's own ticket expired while it waited.
        """
        queue, counter = (
            self._key(conversation_id, "queue"),
            self._key(conversation_id, "issued"),
        )
        ticket = self._redis.incr(counter)
        holder = self._key(conversation_id, str(ticket))
        with self._redis.pipeline() as pipeline:
            pipeline.expire(counter, COUNTER_TTL_S)
            pipeline.set(holder, 1, px=max(1, int(lock_lifetime * 1000)))
            pipeline.zadd(queue, {str(ticket): ticket})
            pipeline.execute()
        try:
            await self._wait_for_turn(conversation_id, ticket, wait_time_in_seconds)
            yield TicketLock(conversation_id)
        finally:
            with self._redis.pipeline() as pipeline:
                pipeline.zrem(queue, str(ticket))
                pipeline.delete(holder)
                pipeline.execute()

    async def _wait_for_turn(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> None:
        queue = self._key(conversation_id, "queue")
        mine = self._key(conversation_id, str(ticket))
        poll = min(wait_time_in_seconds, POLL_S)
        while True:
            alive = self._redis.exists(mine)
            queued = self._redis.zrange(queue, 0, 0)
            if not alive or not queued:
                # Waiting longer than a lock lives: others may already treat this
                # ticket as dead, so going ahead could run two turns at once.
                raise LockError(
                    f"The lock for conversation '{conversation_id}' expired before "
                    "its turn came."
                )
            first = queued[0].decode()
            if int(first) == ticket:
                return
            if not self._redis.exists(self._key(conversation_id, first)):
                # Its holder died or overran the lifetime: the next one may go.
                self._redis.zrem(queue, first)
                continue
            await asyncio.sleep(poll)

    def _key(self, conversation_id: str, part: str) -> str:
        return f"{self._prefix}{conversation_id}:{part}"
