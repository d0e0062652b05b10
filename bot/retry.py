"""What the outbox dispatcher and the job runner share: backoff with jitter, and a stop that
lets the work in progress finish."""

from __future__ import annotations

import asyncio
import random


def backoff_delay(attempts: int, *, base: float, cap: float) -> float:
    """Seconds to wait after the `attempts`-th failure: base doubled per attempt, capped, ±20 %.

    The jitter keeps replicas that failed together from retrying together.
    """
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return delay * random.uniform(0.8, 1.2)


async def finish_or_cancel(task: asyncio.Task[None], *, seconds: float) -> None:
    """Wait up to `seconds` for a worker loop told to stop; cancel it if it is still running.

    A send or a job cut in half is what leaves work in doubt, so the loop gets its chance to
    finish the one in progress first.
    """
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=seconds)
    except TimeoutError:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
