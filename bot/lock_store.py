"""A Redis lock store whose every step is one atomic Redis command, none of them blocking.

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

Taking a ticket and looking whether its turn has come are each one Lua script, so a
message with no one ahead of it costs two round trips (take, give back) instead of
five, and they go through ``redis.asyncio``: Rasa answers every conversation on one
event loop, and a synchronous client stops all of them for each round trip, longest
when the machine is busiest.

Configured in the endpoints file as ``lock_store: {type: bot.lock_store.AtomicRedisLockStore,
url: …, port: …, db: …}`` (``foundation/rasa_endpoints.py`` writes it).
"""

from __future__ import annotations

import asyncio
import weakref
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

# Whose turn it is, for the ticket ARGV[2] of the queue KEYS[1] (a ticket's holder key
# is ARGV[1] followed by its number): 1 its turn, 0 wait, -1 its holder key expired.
# Tickets ahead whose holder died or overran the lifetime are dropped on the way.
_WHOSE_TURN = """
local function whose_turn(queue, holders, ticket)
  if redis.call('EXISTS', holders .. ticket) == 0 then return -1 end
  while true do
    local first = redis.call('ZRANGE', queue, 0, 0)[1]
    if not first then return -1 end
    if first == ticket then return 1 end
    if redis.call('EXISTS', holders .. first) == 1 then return 0 end
    redis.call('ZREM', queue, first)
  end
end
"""
# KEYS: counter, queue; ARGV: holder prefix, lifetime in ms, counter TTL in s.
# Returns the new ticket and whose turn it is.
_TAKE_TICKET = (
    _WHOSE_TURN
    + """
local ticket = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', ARGV[1] .. ticket, 1, 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ticket, ticket)
return {ticket, whose_turn(KEYS[2], ARGV[1], tostring(ticket))}
"""
)
# KEYS: queue; ARGV: holder prefix, ticket.
_LOOK_AGAIN = _WHOSE_TURN + "return whose_turn(KEYS[1], ARGV[1], ARGV[2])"
_MY_TURN, _EXPIRED = 1, -1


class AtomicRedisLockStore(LockStore):
    """Per-conversation first-come, first-served locks in Redis, safe across processes."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        settings: dict[str, Any] = endpoint_config.kwargs
        self._connection = {
            "host": endpoint_config.url or "localhost",
            "port": int(settings.get("port", 6379)),
            "db": int(settings.get("db", 0)),
            "username": settings.get("username"),
            "password": settings.get("password"),
            "ssl": bool(settings.get("use_ssl", False)),
            "socket_timeout": float(settings.get("socket_timeout", 10)),
        }
        self._prefix = settings.get("key_prefix", DEFAULT_KEY_PREFIX)
        # An asyncio client belongs to the event loop it first ran on.
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        super().__init__()

    def _client(self) -> tuple[Any, Any, Any]:
        """This event loop's client, with the two scripts registered on it."""
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            import redis.asyncio

            client = redis.asyncio.StrictRedis(**self._connection)
            self._clients[loop] = (
                client,
                client.register_script(_TAKE_TICKET),
                client.register_script(_LOOK_AGAIN),
            )
        return self._clients[loop]

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
        client, take_ticket, look_again = self._client()
        queue = self._key(conversation_id, "queue")
        holders = self._key(conversation_id, "")
        ticket, turn = await take_ticket(
            keys=[self._key(conversation_id, "issued"), queue],
            args=[holders, max(1, int(lock_lifetime * 1000)), COUNTER_TTL_S],
        )
        try:
            poll = min(wait_time_in_seconds, POLL_S)
            while turn != _MY_TURN:
                if turn == _EXPIRED:
                    # Waiting longer than a lock lives: others may already treat this
                    # ticket as dead, so going ahead could run two turns at once.
                    raise LockError(
                        f"The lock for conversation '{conversation_id}' expired "
                        "before its turn came."
                    )
                await asyncio.sleep(poll)
                turn = await look_again(keys=[queue], args=[holders, ticket])
            yield TicketLock(conversation_id)
        finally:
            async with client.pipeline(transaction=False) as pipeline:
                pipeline.zrem(queue, str(ticket))
                pipeline.delete(f"{holders}{ticket}")
                await pipeline.execute()

    def _key(self, conversation_id: str, part: str) -> str:
        return f"{self._prefix}{conversation_id}:{part}"
