import numpy as np
import pytest

from graphbot import InvalidInputError, InvalidParameterError
from graphbot.evaluate import (
    average_precision,
    group_jaccard,
    precision_at_k,
    precision_recall_f1,
    roc_auc,
)


def test_perfect_and_inverted_ranking():
    labels = np.array([0, 0, 1, 1], dtype=bool)
    assert roc_auc([0.1, 0.2, 0.8, 0.9], labels) == 1.0
    assert roc_auc([0.9, 0.8, 0.2, 0.1], labels) == 0.0
    assert roc_auc([0.5] * 4, labels) == 0.5
    assert average_precision([0.1, 0.2, 0.8, 0.9], labels) == 1.0


def test_ties_give_no_credit_in_ap():
    assert average_precision([1, 1, 1, 1], [1, 0, 0, 0]) == 0.25


def test_auc_matches_pairwise_definition():
    rng = np.random.default_rng(0)
    s = rng.normal(size=60)
    y = rng.random(60) < 0.3
    pos, neg = s[y], s[~y]
    pairs = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert roc_auc(s, y) == pytest.approx(pairs)


def test_prf_and_precision_at_k():
    out = precision_recall_f1(np.array([0, 1, 2]), [True, True, False, True])
    assert out == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3})
    assert precision_recall_f1(np.array([], int), [True])["f1"] == 0.0
    assert precision_at_k([3, 2, 1], [1, 1, 0], k=2) == 1.0
    with pytest.raises(InvalidParameterError, match="`k` must be a positive int"):
        precision_at_k([1], [1], k=0)


def test_group_jaccard_best_match():
    found = [np.array([0, 1, 2, 3]), np.array([10, 11])]
    assert group_jaccard(found, [np.array([0, 1, 2, 3]), np.array([10, 11, 12, 13])]) == [1, 0.5]


def test_bad_labels():
    with pytest.raises(InvalidInputError, match="boolean or 0/1"):
        roc_auc([0.1, 0.2], [2, 3])
    with pytest.raises(InvalidInputError, match="one entry per user"):
        roc_auc([0.1, 0.2], [1])
