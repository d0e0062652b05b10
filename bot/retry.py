"""Exponential backoff with jitter, shared by the outbox dispatcher and the job runner."""

from __future__ import annotations

import random


def backoff_delay(attempts: int, *, base: float, cap: float) -> float:
    """Seconds to wait after the `attempts`-th failure: base doubled per attempt, capped, ±20 %.

    The jitter keeps replicas that failed together from retrying together.
    """
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return delay * random.uniform(0.8, 1.2)
