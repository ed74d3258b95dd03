import statistics
import time
from collections.abc import Callable


def median_ms(action: Callable[[], object], *, repeat: int, warmup: int = 3) -> float:
    """Median wall time of `action` in milliseconds, after a few unmeasured warm-up calls."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
