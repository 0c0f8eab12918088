"""Bead confidence: a logistic function of the bead's margin over the best alignment without it.

The margin is exact (see ``search._margins``): how much total score the
alignment loses if this bead is forbidden. The logistic's two coefficients are
fitted on the dev set (bench/bench_align.py --calibrate prints them and the
reliability table); one pair per SET of scorers, since each source of evidence
changes the scale of the scores. A set with no fitted pair (``--mt``, a custom
scorer) is not given another set's: its confidences are the margin's plain
logistic, marked ``uncalibrated`` (a warning, the outputs' signature).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np

log = logging.getLogger(__name__)

#: margins above this carry no more information (and inf means "no alternative at all")
MARGIN_CAP = 30.0
#: the calibration id outputs record when no calibration was fitted for the scorers in use
UNCALIBRATED = "uncalibrated"


@dataclass(frozen=True, slots=True)
class Calibration:
    """confidence = 1 / (1 + exp(-(slope * min(margin, cap) + intercept)))."""

    slope: float
    intercept: float
    #: what outputs record (their signature): the fitted set's id, "custom" for one given by a caller
    id: str = "custom"

    @property
    def fitted(self) -> bool:
        """False for the plain logistic used where no calibration was fitted."""
        return self.id != UNCALIBRATED

    def __call__(self, margin: float) -> float:
        """The calibrated probability that a bead with this margin is right."""
        if math.isnan(margin):
            return 0.5
        z = self.slope * min(margin, MARGIN_CAP) + self.intercept
        return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


# Fitted on held-out dev beads (bench/bench_align.py --calibrate), keyed by the set of scorer names.
CALIBRATIONS: dict[frozenset[str], Calibration] = {
    frozenset({"length", "anchors", "position"}): Calibration(0.6844, 0.3364, "dev23-length+anchors+position"),
    frozenset({"length", "anchors", "position", "embeddings"}):
        Calibration(0.7138, 0.4487, "dev23-length+anchors+position+embeddings"),
}
#: confidence where no calibration was fitted: the margin's plain logistic (0.5 at margin 0), not a probability
PLAIN_LOGISTIC = Calibration(1.0, 0.0, UNCALIBRATED)
_warned: set[frozenset[str]] = set()


def calibration_for(names: Iterable[str]) -> Calibration:
    """The calibration fitted for this set of scorer names; else the plain logistic, with a warning once per set."""
    names = list(names)
    key = frozenset(names)
    found = CALIBRATIONS.get(key) if len(key) == len(names) else None
    if found is not None:
        return found
    if key not in _warned:
        _warned.add(key)
        log.warning("warning: no confidence calibration fitted for the scorers %s: confidences are uncalibrated "
                    "(review more widely than --min-confidence suggests)", "+".join(names))
    return PLAIN_LOGISTIC


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
