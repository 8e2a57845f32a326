"""Paired differences between two losses over seeds, with a 95 % confidence interval.

A sweep is paired: for a given seed every loss starts from the same weights
and sees the same batches. The right comparison of loss A with loss B is
therefore the per-seed difference `d_s = A_s − B_s`: its mean, and a 95 %
interval for that mean — a t-interval `d̄ ± t_{0.975, n−1}·sd(d)/√n` for 2 to
4 seeds, a paired bootstrap (seeds resampled with replacement, percentile
interval) from 5 seeds on. A is *better* when the whole interval is above
0, *worse* when it is below, else there is *no detectable difference*; with
one seed nothing can be judged.

>>> d = difference({0: 0.91, 1: 0.93, 2: 0.92}, {0: 0.90, 1: 0.91, 2: 0.91})
>>> round(d.mean, 4), round(d.low, 4), round(d.high, 4), d.verdict
(0.0133, -0.001, 0.0277, 'no detectable difference')
>>> difference({0: 0.95, 1: 0.96}, {0: 0.90, 1: 0.91}).verdict
'better'
"""

import dataclasses
import math
from collections.abc import Mapping

import numpy as np

BOOTSTRAP_FROM = 5  # Seeds from which the interval is a paired bootstrap instead of a t-interval.
RESAMPLES = 10000
BETTER, WORSE, NO_DIFFERENCE, ONE_SEED = "better", "worse", "no detectable difference", "one seed: not judged"


@dataclasses.dataclass(frozen=True)
class Difference:
    """Mean per-seed difference, its 95 % interval `[low, high]`, the seeds used and how."""

    mean: float
    low: float
    high: float
    seeds: int
    method: str  # "t", "bootstrap" or "one seed"

    @property
    def verdict(self) -> str:
        if self.seeds < 2:
            return ONE_SEED
        if self.low > 0:
            return BETTER
        if self.high < 0:
            return WORSE
        return NO_DIFFERENCE

    def text(self, digits: int = 3) -> str:
        """e.g. "+0.012 [+0.004, +0.020]" (the mean alone with one seed)."""
        if self.seeds < 2:
            return f"{self.mean:+.{digits}f}"
        return f"{self.mean:+.{digits}f} [{self.low:+.{digits}f}, {self.high:+.{digits}f}]"


def t_quantile(probability: float, dof: int) -> float:
    """The `probability` quantile of Student's t with `dof` degrees of freedom."""
    from scipy import stats

    return float(stats.t.ppf(probability, dof))


def difference(values: Mapping[int, float], reference: Mapping[int, float], seed: int = 0) -> Difference | None:
    """The paired difference `values − reference` over their common seeds (None if none).

    Seeds missing from either side (a diverged or unfinished run) are left out.
    """
    common = sorted(s for s in values if s in reference and _finite(values[s]) and _finite(reference[s]))
    if not common:
        return None
    d = np.array([values[s] - reference[s] for s in common], dtype=float)
    mean = float(d.mean())
    if len(d) == 1:
        return Difference(mean, mean, mean, 1, "one seed")
    if len(d) >= BOOTSTRAP_FROM:
        rng = np.random.default_rng(seed)
        means = d[rng.integers(0, len(d), size=(RESAMPLES, len(d)))].mean(axis=1)
        low, high = np.percentile(means, [2.5, 97.5])
        return Difference(mean, float(low), float(high), len(d), "bootstrap")
    half = t_quantile(0.975, len(d) - 1) * float(d.std(ddof=1)) / math.sqrt(len(d))
    return Difference(mean, mean - half, mean + half, len(d), "t")


def _finite(value) -> bool:
    return value is not None and math.isfinite(value)
