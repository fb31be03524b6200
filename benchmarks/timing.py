"""Min-of-repeats timing, interleaved so that slow drift of the machine hits every call alike."""

from __future__ import annotations

import math
import time
import timeit
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from benchmarks.drivers import Call

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Timer:
    """Times calls: each measurement runs a call ``number`` times (about ``seconds`` long, garbage
    collector off, as ``timeit`` does), every call is measured once per round, and the fastest of
    ``repeats`` rounds is kept: the run least disturbed by the rest of the machine.

    The clock is this process's CPU time, not the wall clock: time spent descheduled while other
    processes run on a busy machine is not counted against whichever call happened to be running.
    """

    repeats: int
    seconds: float

    def calibrate(self, call: Call) -> int:
        """How many runs of ``call`` make one measurement of about ``self.seconds``."""
        timer = timeit.Timer(call, timer=time.process_time)
        number = 1
        while True:
            elapsed = timer.timeit(number)
            if elapsed >= self.seconds / 4 or number >= 1 << 24:
                return max(1, math.ceil(number * self.seconds / max(elapsed, 1e-9)))
            number *= 4

    def measure(self, calls: Mapping[K, Call]) -> dict[K, float]:
        """Seconds per run of each call: the minimum over the rounds."""
        numbers = {key: self.calibrate(call) for key, call in calls.items()}
        timers = {key: timeit.Timer(call, timer=time.process_time) for key, call in calls.items()}
        best = dict.fromkeys(calls, math.inf)
        keys = list(calls)
        for repeat in range(self.repeats):
            # Rotate the order each round so no call always follows the same neighbour.
            shift = repeat % len(keys)
            for key in keys[shift:] + keys[:shift]:
                number = numbers[key]
                best[key] = min(best[key], timers[key].timeit(number) / number)
        return best
