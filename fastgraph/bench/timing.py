"""Timing a callable: batches long enough to read, the median per call."""

import time

__all__ = ["measure"]


def measure(fn, min_batch_s=0.02, batches=9, max_total_s=3.0):
    """Median seconds per call of fn(), over `batches` batches of calls.

    The batch size is chosen from a warm-up so that each batch takes at
    least `min_batch_s`; a slow callable gets fewer batches so that one
    measurement stays within about `max_total_s`.
    """
    fn()
    start = time.perf_counter()
    n = 0
    while time.perf_counter() - start < min_batch_s or n < 2:
        fn()
        n += 1
    per_call = (time.perf_counter() - start) / n
    reps = max(1, int(min_batch_s / per_call))
    batches = max(3, min(batches, int(max_total_s / max(per_call * reps, 1e-9))))
    samples = []
    for _ in range(batches):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - t0) / reps)
    samples.sort()
    return samples[len(samples) // 2]
