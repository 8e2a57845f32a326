"""`benchmarks.timing.bracketed_ratios` on a fake clock: each candidate against the baseline timed just
before and just after it, the lower-quartile timings' ratio beside it (no timed assertion: the clock is ours)."""

import pytest

from benchmarks import timing


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.load = 1.0  # how much slower everything runs at the moment

    def perf_counter(self):
        return self.now

    def work(self, seconds):
        def call():
            self.now += seconds * self.load

        return call


def test_ratios_follow_the_load_of_the_moment(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(timing.time, "perf_counter", clock.perf_counter)
    calls = {"base": 0}
    base = clock.work(1.0)

    def baseline():
        calls["base"] += 1
        clock.load = 1.0 + (calls["base"] // 7) % 3  # the machine's load changes between rounds' timings
        base()

    candidates = {"base": baseline, "double": clock.work(2.0), "same": clock.work(1.0)}
    medians, ratios, fastest = timing.bracketed_ratios(candidates, "base", rounds=5, repeats=1, fastest=True)
    assert ratios["base"] == 1.0
    assert fastest["double"] == pytest.approx(2.0) and fastest["same"] == pytest.approx(1.0)
    # Against the baseline's neighbours the ratios stay near the truth although the load triples.
    assert 1.5 <= ratios["double"] <= 2.5 and 0.75 <= ratios["same"] <= 1.25
    assert set(medians) == set(candidates)


def test_without_fastest_two_tables(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(timing.time, "perf_counter", clock.perf_counter)
    result = timing.bracketed_ratios({"b": clock.work(1.0), "c": clock.work(1.0)}, "b", rounds=2, repeats=1)
    assert len(result) == 2
    _, _, fast = timing.bracketed_ratios({"b": clock.work(1.0), "c": clock.work(3.0)}, "b", rounds=1, fastest=True)
    assert fast["c"] == pytest.approx(3.0)  # one round: one timing each, no quartile to take
