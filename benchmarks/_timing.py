"""Side-by-side timing: interleave the two contestants and take medians.

Time is the CPU time of this process (time.process_time), which counts the work
done, user and system (page faults included), in every thread of the process, but
not the time the process waits while other programs use the CPU. On a shared
machine that keeps a ratio honest; for single-threaded work it equals wall time
on an idle machine.
"""

import statistics
import time


CLOCK = time.process_time


def _calls_per_block(fn, min_seconds):
    """How many calls of fn take at least min_seconds (after one warm-up call)."""
    fn()
    n = 1
    while _block(fn, n) * n < min_seconds:
        n *= 2
    return n


def _block(fn, n):
    """Seconds per call of fn, over n calls in a row."""
    start = CLOCK()
    for _ in range(n):
        fn()
    return (CLOCK() - start) / n


def race(ours, theirs, rounds=31, min_seconds=0.02):
    """Time `ours` against `theirs` (functions of no arguments), in alternation.

    Each round times one block of calls of each, in an order that alternates
    from round to round, so that a change in the machine's load hits both alike.

    Returns:
        (t_ours, t_theirs, ratio): the median seconds per call of each, and the
        median over rounds of t_ours / t_theirs.
    """
    n_ours, n_theirs = _calls_per_block(ours, min_seconds), _calls_per_block(theirs, min_seconds)
    times_ours, times_theirs = [], []
    for r in range(rounds):
        if r % 2 == 0:
            times_ours.append(_block(ours, n_ours))
            times_theirs.append(_block(theirs, n_theirs))
        else:
            times_theirs.append(_block(theirs, n_theirs))
            times_ours.append(_block(ours, n_ours))
    ratio = statistics.median(a / b for a, b in zip(times_ours, times_theirs))
    return statistics.median(times_ours), statistics.median(times_theirs), ratio


def fmt_seconds(seconds):
    """A duration with a sensible unit: 61 µs, 4.2 ms, 1.35 s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"
