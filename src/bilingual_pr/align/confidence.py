"""Bead confidence: a logistic function of the bead's margin over the best alignment without it.

The margin is exact (see ``search._margins``): how much total score the
alignment loses if this bead is forbidden. The logistic's two coefficients are
fitted on the dev set (bench/bench_align.py --calibrate prints them and the
reliability table); one pair per scorer combination since embeddings change the
scale of the scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: margins above this carry no more information (and inf means "no alternative at all")
MARGIN_CAP = 30.0


@dataclass(frozen=True, slots=True)
class Calibration:
    """confidence = 1 / (1 + exp(-(slope * min(margin, cap) + intercept)))."""

    slope: float
    intercept: float

    def __call__(self, margin: float) -> float:
        """The calibrated probability that a bead with this margin is right."""
        if math.isnan(margin):
            return 0.5
        z = self.slope * min(margin, MARGIN_CAP) + self.intercept
        return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


# Fitted on held-out dev beads (bench/bench_align.py --calibrate); other scorer sets use the first.
CALIBRATIONS: dict[str, Calibration] = {
    "length+anchors+position": Calibration(0.6844, 0.3364),
    "length+anchors+position+embeddings": Calibration(0.7138, 0.4487),
}
DEFAULT_CALIBRATION = CALIBRATIONS["length+anchors+position"]


def calibration_for(names: list[str]) -> Calibration:
    """The calibration fitted for this combination of scorer names (a generic one otherwise)."""
    return CALIBRATIONS.get("+".join(names), DEFAULT_CALIBRATION)


def fit_logistic(margins: np.ndarray, correct: np.ndarray, l2: float = 1e-3, iters: int = 50) -> Calibration:
    """Fit slope and intercept by Newton's method on the log-loss (small ridge for stability)."""
    x = np.minimum(np.asarray(margins, dtype=np.float64), MARGIN_CAP)
    y = np.asarray(correct, dtype=np.float64)
    X = np.stack([x, np.ones_like(x)], axis=1)
    w = np.zeros(2)
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        grad = X.T @ (p - y) + l2 * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + l2 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return Calibration(float(w[0]), float(w[1]))
