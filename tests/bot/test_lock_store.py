"""The lock store that keeps two replicas out of one conversation, on a real Redis."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from rasa.core.lock_store import LockError
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore
from harness.servers import redis_server

TURNS_PER_REPLICA = 25


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture
def prefix() -> str:
    return f"test:{uuid.uuid4().hex[:8]}:"


def _store(url: str, prefix: str) -> AtomicRedisLockStore:
    parts = urlsplit(url)
    return AtomicRedisLockStore(
        EndpointConfig(url=parts.hostname, port=parts.port, db=0, key_prefix=prefix)
    )


def test_two_replicas_never_run_two_turns_of_one_conversation_at_once(
    redis_url, prefix
):
    inside, most, done = 0, 0, []
    counting = threading.Lock()

    async def turns(store: AtomicRedisLockStore, replica: int) -> None:
        nonlocal inside, most
        for turn in range(TURNS_PER_REPLICA):
            async with store.lock("citizen-1"):
                with counting:
                    inside += 1
                    most = max(most, inside)
                await asyncio.sleep(0.002)
                with counting:
                    inside -= 1
                    done.append((replica, turn))

    # One thread and one event loop each, as two replica processes would run.
    replicas = [
        threading.Thread(
            target=asyncio.run, args=(turns(_store(redis_url, prefix), n),)
        )
        for n in range(2)
    ]
    for replica in replicas:
        replica.start()
    for replica in replicas:
        replica.join(timeout=60)
    assert most == 1
    assert sorted(done) == [(r, t) for r in range(2) for t in range(TURNS_PER_REPLICA)]


def test_a_ticket_left_by_a_dead_replica_does_not_block_the_conversation(
    redis_url, prefix
):
    # A replica killed after queueing: its ticket is there, its holder key is gone.
    client = redis.StrictRedis.from_url(redis_url)
    ticket = client.incr(f"{prefix}citizen-2:issued")
    client.zadd(f"{prefix}citizen-2:queue", {str(ticket): ticket})

    async def one_turn() -> float:
        started = time.monotonic()
        async with _store(redis_url, prefix).lock("citizen-2"):
            return time.monotonic() - started

    assert asyncio.run(one_turn()) < 1.0


def test_a_message_waiting_longer_than_the_lock_lives_is_refused(redis_url, prefix):
    store = _store(redis_url, prefix)

    async def hold() -> None:
        async with store.lock("citizen-3"):
            await asyncio.sleep(0.5)

    async def wait_briefly() -> None:
        await asyncio.sleep(0.05)
        async with store.lock("citizen-3", lock_lifetime=0.1):
            pass

    async def both() -> None:
        await asyncio.gather(hold(), wait_briefly())

    with pytest.raises(LockError):
        asyncio.run(both())


def test_locks_leave_no_queue_behind(redis_url, prefix):
    async def one_turn() -> None:
        async with _store(redis_url, prefix).lock("citizen-4"):
            pass

    asyncio.run(one_turn())
    client = redis.StrictRedis.from_url(redis_url)
    assert client.zcard(f"{prefix}citizen-4:queue") == 0
    assert client.keys(f"{prefix}citizen-4:[0-9]*") == []


def test_waiting_on_redis_leaves_the_event_loop_to_other_conversations(
    redis_url, prefix
):
    # Rasa answers every conversation on one event loop: while one message waits for
    # Redis, the others must go on.
    store = _store(redis_url, prefix)
    ticks = 0

    async def other_conversations(until: float) -> None:
        nonlocal ticks
        while time.monotonic() < until:
            ticks += 1
            await asyncio.sleep(0.01)

    async def one_turn_while_redis_is_paused() -> None:
        async with store.lock("citizen-5"):  # the client connects before the pause
            pass
        redis.StrictRedis.from_url(redis_url).client_pause(400)
        started = time.monotonic()
        ticking = asyncio.create_task(other_conversations(started + 0.3))
        async with store.lock("citizen-5"):
            assert time.monotonic() - started >= 0.3
        await ticking

    asyncio.run(one_turn_while_redis_is_paused())
    assert ticks >= 10
