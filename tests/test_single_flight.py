"""Concurrent cache misses for one key share one render (feeds and pages use the same piece)."""

from __future__ import annotations

import asyncio

import pytest

from scheduler.web.single_flight import SingleFlight


def test_concurrent_misses_render_once_and_a_failure_is_retried() -> None:
    async def scenario() -> None:
        flight: SingleFlight[int] = SingleFlight()
        calls = 0
        gate = asyncio.Event()

        async def make() -> int:
            nonlocal calls
            calls += 1
            await gate.wait()
            return 42

        waiters = [asyncio.create_task(flight.run("k", make)) for _ in range(20)]
        await asyncio.sleep(0)
        gate.set()
        assert await asyncio.gather(*waiters) == [42] * 20
        assert calls == 1

        async def broken() -> int:
            raise RuntimeError("hỏng")

        with pytest.raises(RuntimeError):
            await flight.run("x", broken)
        assert await flight.run("x", make) == 42  # the next request tries again

    asyncio.run(scenario())


def test_a_waiter_that_goes_away_does_not_cancel_the_render() -> None:
    async def scenario() -> None:
        flight: SingleFlight[str] = SingleFlight()
        gate = asyncio.Event()

        async def make() -> str:
            await gate.wait()
            return "xong"

        first = asyncio.create_task(flight.run("k", make))
        await asyncio.sleep(0)
        leaver = asyncio.create_task(flight.run("k", make))
        await asyncio.sleep(0)
        leaver.cancel()
        gate.set()
        assert await first == "xong"

    asyncio.run(scenario())
