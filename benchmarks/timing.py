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
