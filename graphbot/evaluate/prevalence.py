"""How many of these accounts are fake? Prevalence with a confidence interval.

A ranked list answers "who first"; an analyst auditing an influencer's
followers asks "what fraction". Counting users above a fixed threshold is
biased by the detector's misses and false alarms. Two estimators here correct
for them, each under stated assumptions:

``"adjusted_count"`` (default; needs a labelled calibration sample)
    Adjusted classify-and-count (Forman 2008), the Rogan-Gladen estimator of
    epidemiology: with ``q`` the flagged fraction of the audited users and
    ``tpr``, ``fpr`` the flag rates of labelled bots and humans of the
    calibration sample, ``prevalence = (q - fpr) / (tpr - fpr)``, clipped to
    [0, 1]. The threshold defaults to the one maximising ``tpr - fpr`` on the
    calibration sample. The interval is a percentile bootstrap that redraws
    the audited users' flags and both calibration classes.
``"reference"`` (needs only users known to be genuine)
    Each audited user's score becomes a p-value against the scores of a
    known-clean reference set; Storey's estimator ``pi0 = #{p > lambda} /
    (n (1 - lambda))`` estimates the genuine share, ``prevalence = 1 - pi0``.
    Bots the detector scores like humans are counted as humans, so this is a
    conservative (low) estimate: a lower bound when the assumptions hold.
    The interval is a percentile bootstrap over audited and reference users.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .._checks import check_choice, check_int, check_number
from .._rng import RNGLike, resolve_rng
from ..errors import InputTypeError, InvalidInputError, InvalidParameterError
from ..result import DetectionResult

__all__ = ["PrevalenceEstimate", "estimate_prevalence", "PREVALENCE_METHODS"]

PREVALENCE_METHODS = ("adjusted_count", "reference")

_ASSUMPTIONS = {
    "adjusted_count": (
        "Prior-probability shift: bots in the audited set get scores distributed like the "
        "labelled bots of the calibration sample, and genuine users like its labelled genuine "
        "users (same detector run, same kinds of farm); only the mix differs. Calibration "
        "labels are correct and drawn independently of the audited set (the bootstrap treats "
        "the calibration classes as random samples). The detector separates the classes at the "
        "threshold (tpr - fpr well above 0). If the audited set holds a farm type absent from "
        "the calibration sample, the estimate is biased."
    ),
    "reference": (
        "The reference users are genuine and scored like the audited set's genuine users "
        "(same population, same detector run). Every bot scores above the lambda quantile of "
        "genuine scores; bots that look genuine are counted as genuine, so the estimate is "
        "conservative (biased low), i.e. a lower bound on the fake share."
    ),
}


@dataclass(frozen=True)
class PrevalenceEstimate:
    """Estimated fraction of inauthentic accounts, with its interval and assumptions."""

    estimate: float
    low: float
    high: float
    confidence: float
    method: str
    n_users: int
    assumptions: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    def __repr__(self) -> str:
        return (
            f"PrevalenceEstimate({self.estimate:.3f}, {self.confidence:.0%} CI "
            f"[{self.low:.3f}, {self.high:.3f}], method={self.method!r}, n_users={self.n_users})"
        )


def estimate_prevalence(
    scores: DetectionResult | Any,
    users: Any = None,
    *,
    method: str = "adjusted_count",
    calibration: tuple[Any, Any] | None = None,
    reference: Any = None,
    threshold: float | None = None,
    lam: float = 0.5,
    confidence: float = 0.95,
    n_boot: int = 2000,
    rng: RNGLike = None,
) -> PrevalenceEstimate:
    """Estimate the fraction of inauthentic accounts among ``users``, with a confidence interval.

    Parameters
    ----------
    scores : DetectionResult or array of float
        Per-user suspiciousness (higher = more suspicious) of one detector run.
    users : selection, optional
        The audited users (e.g. an influencer's followers): internal indices,
        a boolean mask, or external ids when ``scores`` is a DetectionResult.
        Default: everyone.
    method : {"adjusted_count", "reference"}
        See the module docstring.
    calibration : (users, labels), optional
        For ``"adjusted_count"``: a labelled sample (selection as ``users``;
        ``labels`` boolean, True = bot) of the same scored population.
    reference : selection, optional
        For ``"reference"``: users known to be genuine.
    threshold : float, optional
        ``"adjusted_count"``: score at or above which a user counts as flagged;
        default maximises ``tpr - fpr`` on the calibration sample.
    lam : float in (0, 1)
        Storey's lambda for ``"reference"``.
    confidence : float in (0, 1)
        Level of the interval.
    n_boot : int
        Bootstrap replicates.
    rng : None, int or Generator

    Returns
    -------
    PrevalenceEstimate
        ``estimate``, ``low``, ``high``, ``assumptions`` (text) and ``details``
        (threshold, tpr, fpr, flagged fraction, seed...).

    References
    ----------
    .. [1] G. Forman, "Quantifying counts and costs via classification", Data
       Mining and Knowledge Discovery 17 (2008).
    .. [2] W. J. Rogan, B. Gladen, "Estimating prevalence from the results of a
       screening test", American Journal of Epidemiology 107 (1978).
    .. [3] J. D. Storey, "A direct approach to false discovery rates", JRSS B
       64 (2002).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> is_bot = rng.random(4000) < 0.2
    >>> s = np.where(is_bot, rng.normal(2, 1, 4000), rng.normal(0, 1, 4000))
    >>> audited, labelled = np.arange(2000), np.arange(2000, 4000)
    >>> est = estimate_prevalence(s, audited, calibration=(labelled, is_bot[labelled]), rng=0)
    >>> bool(est.low <= is_bot[audited].mean() <= est.high)
    True
    """
    check_choice("method", method, PREVALENCE_METHODS)
    confidence = _check_open_unit("confidence", confidence)
    n_boot = check_int("n_boot", n_boot, low=100)
    lam = _check_open_unit("lam", lam)
    generator, seed = resolve_rng(rng)
    values, ids = _score_array(scores)
    audited = values[_select(users, values, ids, "users")]
    if len(audited) == 0:
        raise InvalidInputError("`users` selects no user")
    if method == "adjusted_count":
        est, boot, details = _adjusted_count(values, ids, audited, calibration, threshold,
                                             n_boot, generator)  # fmt: skip
    else:
        est, boot, details = _reference(values, ids, audited, reference, lam, n_boot, generator)
    alpha = 1.0 - confidence
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    details["rng"] = seed
    return PrevalenceEstimate(
        float(est), float(min(low, est)), float(max(high, est)), confidence, method,
        len(audited), _ASSUMPTIONS[method], details,
    )  # fmt: skip


def _check_open_unit(name: str, value: object) -> float:
    """A number strictly between 0 and 1 (a confidence level, Storey's lambda)."""
    return check_number(
        name, value, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False,
        what="a number in (0, 1)",
    )  # fmt: skip


def _score_array(scores: Any) -> tuple[np.ndarray, np.ndarray | None]:
    if isinstance(scores, DetectionResult):
        return np.asarray(scores.user_scores, dtype=np.float64), scores.user_ids
    values = np.asarray(scores, dtype=np.float64)
    if values.ndim != 1 or not np.isfinite(values).all():
        raise InvalidInputError(
            "`scores` must be a 1-D array of finite scores or a DetectionResult"
        )
    return values, None


def _select(selection: Any, values: np.ndarray, ids: np.ndarray | None, name: str) -> np.ndarray:
    """Internal indices of a selection given as None, a mask, indices or external ids."""
    n = len(values)
    if selection is None:
        return np.arange(n)
    arr = np.asarray(selection)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise InvalidParameterError(f"boolean `{name}` must have one entry per user ({n})")
        return np.flatnonzero(arr)
    if arr.size and np.issubdtype(arr.dtype, np.integer):
        if arr.min() < 0 or arr.max() >= n:
            raise InvalidParameterError(f"`{name}` has indices outside [0, {n})")
        return arr.astype(np.int64).ravel()
    if ids is None:
        raise InputTypeError(
            f"`{name}` must be internal indices or a boolean mask when `scores` is an array"
        )
    position = {v: i for i, v in enumerate(ids.tolist())}
    missing = [v for v in arr.ravel().tolist() if v not in position]
    if missing:
        raise InvalidParameterError(f"`{name}` names unknown users, e.g. {missing[:3]}")
    return np.array([position[v] for v in arr.ravel().tolist()], dtype=np.int64)


def _youden_threshold(bot_scores: np.ndarray, human_scores: np.ndarray) -> float:
    candidates = np.unique(np.concatenate([bot_scores, human_scores]))
    tpr = 1.0 - np.searchsorted(np.sort(bot_scores), candidates, side="left") / len(bot_scores)
    fpr = 1.0 - np.searchsorted(np.sort(human_scores), candidates, side="left") / len(human_scores)
    return float(candidates[np.argmax(tpr - fpr)])


def _adjusted_count(
    values: np.ndarray,
    ids: np.ndarray | None,
    audited: np.ndarray,
    calibration: tuple[Any, Any] | None,
    threshold: float | None,
    n_boot: int,
    generator: np.random.Generator,
) -> tuple[float, np.ndarray, dict[str, Any]]:
    if calibration is None or len(calibration) != 2:
        raise InvalidParameterError(
            "method 'adjusted_count' needs `calibration=(users, labels)`, a labelled sample"
        )
    cal_scores = values[_select(calibration[0], values, ids, "calibration users")]
    labels = np.asarray(calibration[1])
    if labels.shape != cal_scores.shape or not np.isin(labels, (0, 1)).all():
        raise InvalidInputError(
            f"calibration labels must be boolean, one per calibration user ({len(cal_scores)})"
        )
    labels = labels.astype(bool)
    bots, humans = cal_scores[labels], cal_scores[~labels]
    if len(bots) < 5 or len(humans) < 5:
        raise InvalidInputError(
            "the calibration sample needs at least 5 bots and 5 genuine users; "
            f"got {len(bots)} and {len(humans)}"
        )
    if threshold is None:
        threshold = _youden_threshold(bots, humans)
    threshold = check_number("threshold", threshold)
    tpr, fpr = float((bots >= threshold).mean()), float((humans >= threshold).mean())
    if tpr - fpr < 0.05:
        raise InvalidInputError(
            f"the scores do not separate labelled bots from genuine users at threshold "
            f"{threshold:.4g} (tpr={tpr:.3f}, fpr={fpr:.3f}); the adjusted count is undefined"
        )
    q = float((audited >= threshold).mean())
    est = float(np.clip((q - fpr) / (tpr - fpr), 0.0, 1.0))
    # Parametric bootstrap of the three binomial counts (the nonparametric one on counts).
    q_b = generator.binomial(len(audited), q, n_boot) / len(audited)
    tpr_b = generator.binomial(len(bots), tpr, n_boot) / len(bots)
    fpr_b = generator.binomial(len(humans), fpr, n_boot) / len(humans)
    gap = np.maximum(tpr_b - fpr_b, 1e-9)
    boot = np.clip((q_b - fpr_b) / gap, 0.0, 1.0)
    details = {"threshold": threshold, "tpr": tpr, "fpr": fpr, "flagged_fraction": q,
               "n_calibration_bots": len(bots), "n_calibration_genuine": len(humans)}  # fmt: skip
    return est, boot, details


def _storey(audited: np.ndarray, reference_sorted: np.ndarray, lam: float) -> float:
    at_least = len(reference_sorted) - np.searchsorted(reference_sorted, audited, side="left")
    p = (at_least + 1.0) / (len(reference_sorted) + 1.0)
    pi0 = float((p > lam).mean() / (1.0 - lam))
    return 1.0 - min(pi0, 1.0)


def _reference(
    values: np.ndarray,
    ids: np.ndarray | None,
    audited: np.ndarray,
    reference: Any,
    lam: float,
    n_boot: int,
    generator: np.random.Generator,
) -> tuple[float, np.ndarray, dict[str, Any]]:
    if reference is None:
        raise InvalidParameterError("method 'reference' needs `reference`, users known genuine")
    ref = np.sort(values[_select(reference, values, ids, "reference")])
    if len(ref) < 20:
        raise InvalidInputError(f"`reference` needs at least 20 genuine users; got {len(ref)}")
    est = _storey(audited, ref, lam)
    boot = np.empty(n_boot)
    for b in range(n_boot):
        a = audited[generator.integers(0, len(audited), len(audited))]
        r = np.sort(ref[generator.integers(0, len(ref), len(ref))])
        boot[b] = _storey(a, r, lam)
    return est, boot, {"lambda": lam, "n_reference": len(ref)}
