"""Real-dataset loaders: error messages without data, counts against the README with data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graphbot.datasets import (
    data_dir,
    load_bitcoin_otc,
    load_movielens,
    load_vews,
    load_yelpchi,
)
from graphbot.errors import DatasetNotFoundError
from graphbot.graph import kind_code


def _require(root: Path, relative: str) -> None:
    if not (root / relative).exists():
        pytest.skip(f"{relative} not in {root}")


# ---------------------------------------------------------------- without data


def test_data_dir_needs_argument_or_env(monkeypatch):
    monkeypatch.delenv("GRAPHBOT_DATA", raising=False)
    with pytest.raises(DatasetNotFoundError, match="GRAPHBOT_DATA") as err:
        data_dir()
    assert "data_dir=" in str(err.value)


def test_data_dir_prefers_argument_then_env(tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("GRAPHBOT_DATA", str(other))
    assert data_dir() == other
    assert data_dir(tmp_path) == tmp_path


def test_data_dir_missing_folder_is_named(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="nope"):
        data_dir(tmp_path / "nope")


@pytest.mark.parametrize(
    ("loader", "missing"),
    [
        (load_movielens, "movielens-100k/ml-100k.inter"),
        (load_yelpchi, "yelpchi/metadata.gz"),
        (load_bitcoin_otc, "bitcoin-otc/otc_network.csv"),
    ],
)
def test_loader_names_the_missing_file(tmp_path, loader, missing):
    with pytest.raises(DatasetNotFoundError) as err:
        loader(tmp_path)
    assert missing in str(err.value)
    assert isinstance(err.value, FileNotFoundError)


def test_otc_names_missing_labels_file(tmp_path):
    (tmp_path / "bitcoin-otc").mkdir()
    (tmp_path / "bitcoin-otc" / "otc_network.csv").write_text("1,2,5,100.5\n")
    with pytest.raises(DatasetNotFoundError, match="otc_gt.csv"):
        load_bitcoin_otc(tmp_path)


def test_vews_names_missing_month_file(tmp_path):
    (tmp_path / "vews").mkdir()
    with pytest.raises(DatasetNotFoundError, match="benign_2013_3.csv.gz"):
        load_vews(tmp_path, months=["2013-03"])


def test_vews_labels_from_file_names_without_user_table(tmp_path):
    folder = tmp_path / "vews"
    folder.mkdir()
    header = "username,revid,revtime,pagetitle,isReverted,revertTime,cluebotRevert,stiki_score,"
    header += "stiki_REP_USER\n\n"
    import gzip

    for side, user in (("benign", "Ann"), ("vandal", "Bob")):
        rows = f"{user},1,2013-01-02T03:04:05Z,Page A,False,-,0,0,0\n"
        rows += f"{user},2,2013-01-02T03:05:05Z,Page B,False,-,0,0,0\n"
        with gzip.open(folder / f"{side}_2013_1.csv.gz", "wt") as fh:
            fh.write(header + rows)
    graph, labels = load_vews(tmp_path)
    assert graph.n_users == 2 and graph.n_targets == 2 and graph.n_events == 4
    assert labels.to_dict() == {"Ann": False, "Bob": True}
    assert (graph.kinds == kind_code("edit")).all()
    assert graph.times.min() == 1357095845  # 2013-01-02T03:04:05Z in seconds


def test_otc_rating_mapping_and_isolated_ratees(tmp_path):
    folder = tmp_path / "bitcoin-otc"
    folder.mkdir()
    (folder / "otc_network.csv").write_text("1,2,-10,100.9\n1,3,10,200.1\n2,3,0,300\n")
    (folder / "otc_gt.csv").write_text("3,-1\n1,+1\n")
    graph, labels = load_bitcoin_otc(tmp_path)
    assert graph.user_ids.tolist() == [1, 2, 3]  # node 3 never rates but is scored
    assert sorted(graph.weights.tolist()) == [0.0, 0.5, 1.0]
    assert graph.times.tolist() == [100, 200, 300]
    assert labels.to_dict() == {3: True, 1: False}


# ---------------------------------------------------------------- with data


@pytest.mark.data
def test_movielens_counts(data_root):
    _require(data_root, "movielens-100k/ml-100k.inter")
    g = load_movielens(data_root)
    assert (g.n_users, g.n_targets, g.n_events) == (943, 1682, 100_000)
    assert (g.kinds == kind_code("rate")).all()
    assert g.weights.min() == 1 and g.weights.max() == 5
    # seconds between 1997-09 and 1998-05
    assert 873_000_000 < g.times.min() and g.times.max() < 894_000_000


@pytest.mark.data
def test_yelpchi_counts_and_spam_users(data_root):
    _require(data_root, "yelpchi/metadata.gz")
    g, labels = load_yelpchi(data_root)
    assert (g.n_users, g.n_targets, g.n_events) == (38_063, 201, 67_395)
    assert labels.dtype == bool and int(labels.sum()) == 7_739
    assert (labels.index.to_numpy() == g.user_ids).all()
    assert (g.times % 86_400 == 0).all()  # day resolution
    assert set(np.unique(g.weights).tolist()) <= {1.0, 2.0, 3.0, 4.0, 5.0}


@pytest.mark.data
def test_bitcoin_otc_counts_and_labels(data_root):
    _require(data_root, "bitcoin-otc/otc_network.csv")
    g, labels = load_bitcoin_otc(data_root)
    assert g.n_users == 5_881 and g.n_events == 35_592
    assert len(labels) == 316 and int(labels.sum()) == 180 and int((~labels).sum()) == 136
    assert labels.index.isin(g.user_ids).all()
    assert 0.0 <= g.weights.min() and g.weights.max() <= 1.0


@pytest.mark.data
def test_vews_counts_and_labels(data_root):
    _require(data_root, "vews/users.tsv.gz")
    g, labels = load_vews(data_root)
    assert (g.n_users, g.n_targets, g.n_events) == (33_511, 216_997, 756_944)
    assert int(labels.sum()) == 17_015 and int((~labels).sum()) == 16_496
    assert (labels.index.to_numpy() == g.user_ids).all()
    assert (g.kinds == kind_code("edit")).all()


@pytest.mark.data
def test_vews_month_subset(data_root):
    _require(data_root, "vews/vandal_2013_1.csv.gz")
    g, labels = load_vews(data_root, months=[(2013, 1)])
    assert 0 < g.n_events < 756_944
    assert len(labels) == g.n_users and labels.any() and not labels.all()


@pytest.mark.data
def test_plant_farm_into_movielens(data_root):
    _require(data_root, "movielens-100k/ml-100k.inter")
    from graphbot.synth import inject_farm

    background = load_movielens(data_root)
    g, truth = inject_farm(
        background, kind="rate", n_bots=200, n_targets=100, density=0.05,
        camouflage="biased", rng=0,
    )  # fmt: skip
    mask = truth.bot_mask(g)
    assert g.n_users == 943 + 200 and int(mask.sum()) == 200
    assert g.n_events > background.n_events + 200 * 100 * 0.05
    assert truth.farms[0].targets.size == 100
    assert g.weights is not None and (g.weights >= 0).all()
