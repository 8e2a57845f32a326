"""Side-by-side timing: interleaved rounds, medians, ratios to a baseline.

Machines here are shared and noisy, so candidates are timed in interleaved
rounds (every candidate once per round, order rotated) and compared by the
median of their rounds, always against a baseline measured in the same run.
"""

import statistics
import time


def interleaved_samples(candidates, rounds=7, repeats=5, before=None):
    """`{name: [seconds per call in each round]}` for `{name: callable}`; `before()`, when given, runs
    untimed before each candidate's calls of a round (e.g. to free the previous candidate's memory)."""
    samples = {name: [] for name in candidates}
    names = list(candidates)
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            if before is not None:
                before()
            start = time.perf_counter()
            for _ in range(repeats):
                candidates[name]()
            samples[name].append((time.perf_counter() - start) / repeats)
    return samples


def _time(call, repeats):
    start = time.perf_counter()
    for _ in range(repeats):
        call()
    return (time.perf_counter() - start) / repeats


def _lower_quartile(values):
    return statistics.quantiles(values, n=4, method="inclusive")[0] if len(values) > 1 else values[0]


def bracketed_ratios(candidates, baseline, rounds=7, repeats=5, fastest=False):
    """`(medians, ratios)` with each candidate timed between two timings of the baseline.

    Per round: baseline, candidate 1, baseline, candidate 2, baseline, … (order rotated); a
    candidate's ratio in that round is its time over the mean of the baseline's just before and
    just after it, so load that changes within a round (other processes on a shared machine)
    cancels far better than against the baseline's one timing per round. `ratios` are the
    medians over rounds; `medians` the median seconds per call (the baseline's over all its timings).
    """
    names = [name for name in candidates if name != baseline]
    times = {name: [] for name in candidates}
    ratios = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        before = _time(candidates[baseline], repeats)
        times[baseline].append(before)
        for name in names[shift:] + names[:shift]:
            own = _time(candidates[name], repeats)
            after = _time(candidates[baseline], repeats)
            times[name].append(own)
            times[baseline].append(after)
            ratios[name].append(own / ((before + after) / 2))
            before = after
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratios = {baseline: 1.0, **{name: statistics.median(values) for name, values in ratios.items()}}
    if not fastest:
        return medians, ratios
    # Load only ever adds time: the fast timings are the closest to an unloaded machine's. The lower
    # quartile, not the minimum, so that one lucky timing of the baseline does not shift every ratio.
    fast = {name: _lower_quartile(values) for name, values in times.items()}
    return medians, ratios, {name: fast[name] / fast[baseline] for name in times}


def medians_and_ratios(samples, baseline):
    """Median seconds per candidate, and the median over rounds of its time
    divided by the baseline's time in the same round (drift cancels)."""
    medians = {name: statistics.median(times) for name, times in samples.items()}
    ratios = {
        name: statistics.median(t / b for t, b in zip(times, samples[baseline])) for name, times in samples.items()
    }
    return medians, ratios


def print_table(title, header, rows):
    """Print a Markdown table."""
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
