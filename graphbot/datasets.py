"""Loaders for the real datasets graphbot is evaluated on.

The files are never downloaded or shipped with graphbot (their licences allow
research use, not redistribution). Point graphbot at a folder holding them,
laid out as below, with the ``data_dir`` argument or the ``GRAPHBOT_DATA``
environment variable::

    movielens-100k/ml-100k.inter          MovieLens 100k ratings (unlabelled)
    vews/{benign,vandal}_YYYY_M.csv.gz     Wikipedia edits (VEWS)
    vews/users.tsv.gz                      VEWS user labels
    yelpchi/metadata.gz                    YelpChi reviews with spam labels
    bitcoin-otc/otc_network.csv            Bitcoin-OTC ratings
    bitcoin-otc/otc_gt.csv                 Bitcoin-OTC fraud labels (REV2)

Every loader returns an :class:`~graphbot.InteractionGraph` (and, for the
labelled sets, a boolean ``pandas.Series`` of user labels, True = bad actor)
and raises :class:`~graphbot.errors.DatasetNotFoundError` naming the exact
missing file.

References
----------
.. [1] F. M. Harper and J. A. Konstan. The MovieLens datasets: history and
   context. ACM TiiS 5(4), 2015.
.. [2] S. Kumar, F. Spezzano and V. S. Subrahmanian. VEWS: a Wikipedia vandal
   early warning system. KDD 2015.
.. [3] S. Rayana and L. Akoglu. Collective opinion spam detection: bridging
   review networks and metadata. KDD 2015.
.. [4] S. Kumar, B. Hooi, D. Makhija, M. Kumar, C. Faloutsos and
   V. S. Subrahmanian. REV2: fraudulent user prediction in rating platforms.
   WSDM 2018.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DatasetNotFoundError, InputFileError, InvalidParameterError
from .graph import InteractionGraph, kind_code
from .io import from_events

__all__ = [
    "data_dir",
    "load_movielens",
    "load_vews",
    "load_yelpchi",
    "load_bitcoin_otc",
]

ENV_VAR = "GRAPHBOT_DATA"
_DAY = 86_400


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the folder holding the real datasets.

    Parameters
    ----------
    path : str or PathLike, optional
        The folder. Default: the ``GRAPHBOT_DATA`` environment variable.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DatasetNotFoundError
        When neither is given, or the folder does not exist.

    Examples
    --------
    >>> data_dir("/tmp").name
    'tmp'
    """
    if path is None:
        path = os.environ.get(ENV_VAR) or None
    if path is None:
        raise DatasetNotFoundError(
            "no data directory given: pass `data_dir=` (or --data-dir) or set the "
            f"{ENV_VAR} environment variable to the folder holding the datasets "
            "(movielens-100k/, vews/, yelpchi/, bitcoin-otc/)"
        )
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise DatasetNotFoundError(f"data directory {str(folder)!r} does not exist")
    return folder


_resolve_dir = data_dir  # the loaders' `data_dir` argument shadows the function name


def _need(root: Path, relative: str) -> Path:
    """The path of a dataset file, or an error naming exactly what is missing."""
    path = root / relative
    if not path.is_file():
        raise DatasetNotFoundError(
            f"dataset file {relative!r} not found in {str(root)!r} (looked for {str(path)!r}); "
            "graphbot never downloads data: place the file there"
        )
    return path


def load_movielens(data_dir: str | os.PathLike[str] | None = None) -> InteractionGraph:
    """MovieLens 100k: 943 users rating 1,682 movies (100,000 ratings, no labels).

    The usual background graph for planting farms (the Fraudar and HoloScope
    injection protocol). Events have kind ``"rate"``, the 1..5 star rating as
    weight and the Unix time in seconds. Note that single users rate up to ten
    movies within one second, an innocent burst.

    Parameters
    ----------
    data_dir : str or PathLike, optional
        Folder holding ``movielens-100k/ml-100k.inter``; default ``$GRAPHBOT_DATA``.

    Returns
    -------
    InteractionGraph

    Examples
    --------
    >>> load_movielens("/nonexistent")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    DatasetNotFoundError: data directory '/nonexistent' does not exist

    References
    ----------
    .. [1] F. M. Harper and J. A. Konstan. The MovieLens datasets: history and
       context. ACM TiiS 5(4), 2015.
    """
    root = _resolve_dir(data_dir)
    path = _need(root, "movielens-100k/ml-100k.inter")
    frame = pd.read_csv(path, sep="\t", header=0, names=["user", "item", "rating", "time"])
    return from_events(
        frame["user"].to_numpy(np.int64),
        frame["item"].to_numpy(np.int64),
        times=frame["time"].to_numpy(np.int64),
        kinds="rate",
        weights=frame["rating"].to_numpy(np.float32),
    )


_VEWS_FILE = re.compile(r"^(benign|vandal)_(\d{4})_(\d{1,2})\.csv\.gz$")


def _vews_month_files(root: Path, months: Iterable[object] | None) -> list[Path]:
    folder = root / "vews"
    if not folder.is_dir():
        raise DatasetNotFoundError(f"dataset folder 'vews' not found in {str(root)!r}")
    present = sorted(p for p in folder.iterdir() if _VEWS_FILE.match(p.name))
    if months is None:
        if not present:
            raise DatasetNotFoundError(
                f"no VEWS edit files (vandal_YYYY_M.csv.gz / benign_YYYY_M.csv.gz) in {folder}"
            )
        return present
    files = []
    for month in months:
        year, mon = _parse_month(month)
        for side in ("benign", "vandal"):
            files.append(_need(root, f"vews/{side}_{year}_{mon}.csv.gz"))
    return files


def _parse_month(month: object) -> tuple[int, int]:
    if isinstance(month, tuple) and len(month) == 2:
        year, mon = month
    else:
        found = re.fullmatch(r"(\d{4})[-_](\d{1,2})", str(month))
        if not found:
            raise InvalidParameterError(
                f"`months` entries must be (year, month) tuples or 'YYYY-MM' strings; got {month!r}"
            )
        year, mon = found.groups()
    year, mon = int(year), int(mon)
    if not 1 <= mon <= 12:
        raise InvalidParameterError(f"`months` entries need a month in 1..12; got {month!r}")
    return year, mon


def _read_vews_edits(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        path,
        usecols=["username", "revtime", "pagetitle"],
        dtype={"username": "string", "pagetitle": "string"},
        keep_default_na=False,
    )
    times = pd.to_datetime(frame["revtime"], format="%Y-%m-%dT%H:%M:%SZ", utc=True, errors="coerce")
    bad = times.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputFileError(
            str(path), f"unparsable timestamp {frame['revtime'].iloc[row]!r}", line=row + 3,
            column="revtime",
        )  # fmt: skip
    seconds = (times - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    out = pd.DataFrame(
        {
            # categoricals keep one copy of each title: the set is memory-lean at 757k edits
            "user": frame["username"].astype("category"),
            "page": frame["pagetitle"].astype("category"),
            "time": seconds.to_numpy(np.int64),
        }
    )
    out["vandal_file"] = path.name.startswith("vandal_")
    return out


def _sorted_codes(columns: list[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """int32 codes and sorted unique ids of categorical columns, never one string per edit."""
    merged = pd.api.types.union_categoricals(columns)
    categories = np.asarray(merged.categories, dtype=object)
    order = np.argsort(categories, kind="stable")
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank[merged.codes], categories[order]


def load_vews(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    months: Iterable[object] | None = None,
) -> tuple[InteractionGraph, pd.Series]:
    """VEWS: Wikipedia users editing pages, with vandal / benign user labels.

    33,511 users, 216,997 pages and 756,944 edits (January 2013 to July 2014);
    17,015 users are vandals (blocked), 16,496 benign: balanced by design.
    Events have kind ``"edit"`` and the revision time in seconds. Vandals act
    mostly alone, not in coordinated bursts.

    Parameters
    ----------
    data_dir : str or PathLike, optional
        Folder holding ``vews/``; default ``$GRAPHBOT_DATA``.
    months : iterable of (year, month) or "YYYY-MM", optional
        Load only these months (both the benign and the vandal file of each);
        default: every month present.

    Returns
    -------
    graph : InteractionGraph
    labels : pandas.Series of bool
        Indexed by username in the order of ``graph.user_ids``; True = vandal.
        Taken from ``vews/users.tsv.gz`` when present, else from the name of
        the file an edit came from (``vandal_*`` / ``benign_*``).

    Examples
    --------
    >>> load_vews("/nonexistent")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    DatasetNotFoundError: data directory '/nonexistent' does not exist

    References
    ----------
    .. [1] S. Kumar, F. Spezzano and V. S. Subrahmanian. VEWS: a Wikipedia
       vandal early warning system. KDD 2015.
    """
    root = _resolve_dir(data_dir)
    files = _vews_month_files(root, months)
    parts = [_read_vews_edits(p) for p in files]
    user_codes, user_ids = _sorted_codes([p["user"] for p in parts])
    page_codes, page_ids = _sorted_codes([p["page"] for p in parts])
    times = np.concatenate([p["time"].to_numpy() for p in parts])
    from_file = np.concatenate([p["vandal_file"].to_numpy() for p in parts])
    del parts
    graph = InteractionGraph(
        user_codes, page_codes, user_ids=user_ids, target_ids=page_ids, times=times,
        kinds=np.full(len(times), kind_code("edit"), dtype=np.int8),
    )  # fmt: skip
    labels_path = root / "vews" / "users.tsv.gz"
    if labels_path.is_file():
        table = pd.read_csv(
            labels_path, sep="\t", header=None, usecols=[0, 4], names=["user", "label"],
            dtype={"user": str, "label": str}, keep_default_na=False, quoting=3,
        )  # fmt: skip
        by_user = table.drop_duplicates("user").set_index("user")["label"].eq("vandal")
        labels = by_user.reindex(graph.user_ids)
        missing = labels.isna().to_numpy()
        if missing.any():  # users absent from the table: fall back to their file's name
            fallback = pd.Series(from_file).groupby(graph.users).max()
            labels[missing] = fallback.reindex(np.flatnonzero(missing)).to_numpy()
        labels = labels.astype(bool)
    else:
        vandal = np.zeros(graph.n_users, dtype=bool)
        vandal[graph.users[from_file]] = True
        labels = pd.Series(vandal, index=graph.user_ids)
    labels.index.name = "user"
    labels.name = "vandal"
    return graph, labels


def load_yelpchi(
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[InteractionGraph, pd.Series]:
    """YelpChi: 38,063 users reviewing 201 Chicago hotels and restaurants.

    67,395 reviews (October 2004 to October 2012), each labelled by Yelp's
    filter: ``-1`` = filtered as spam (8,919 reviews), ``+1`` = recommended.
    Events have kind ``"review"``, the 1..5 star rating as weight and the day
    (midnight UTC, in seconds) as time.

    Parameters
    ----------
    data_dir : str or PathLike, optional
        Folder holding ``yelpchi/metadata.gz``; default ``$GRAPHBOT_DATA``.

    Returns
    -------
    graph : InteractionGraph
    labels : pandas.Series of bool
        Indexed by user id in the order of ``graph.user_ids``; True = spammer,
        i.e. at least one of the user's reviews was filtered (7,739 users).

    Examples
    --------
    >>> load_yelpchi("/nonexistent")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    DatasetNotFoundError: data directory '/nonexistent' does not exist

    References
    ----------
    .. [1] S. Rayana and L. Akoglu. Collective opinion spam detection: bridging
       review networks and metadata. KDD 2015.
    """
    root = _resolve_dir(data_dir)
    path = _need(root, "yelpchi/metadata.gz")
    frame = pd.read_csv(
        path, sep=r"\s+", header=None, names=["user", "product", "rating", "label", "date"],
        dtype={"user": np.int64, "product": np.int64, "rating": np.float32, "label": np.int8,
               "date": str},
    )  # fmt: skip
    days = pd.to_datetime(frame["date"], format="%Y-%m-%d", utc=True)
    seconds = ((days - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy(np.int64)
    graph = from_events(
        frame["user"].to_numpy(),
        frame["product"].to_numpy(),
        times=seconds,
        kinds="review",
        weights=frame["rating"].to_numpy(),
    )
    spam = pd.Series(frame["label"].to_numpy() == -1).groupby(frame["user"].to_numpy()).any()
    labels = spam.reindex(graph.user_ids).astype(bool)
    labels.index.name = "user"
    labels.name = "spammer"
    return graph, labels


def load_bitcoin_otc(
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[InteractionGraph, pd.Series]:
    """Bitcoin-OTC who-rates-whom trust network with REV2 fraud labels.

    5,881 users and 35,592 ratings from -10 (total distrust) to +10, November
    2010 to January 2016. Rows are raters, columns ratees (external ids are the
    OTC node ids); every node is a row, so accounts that were rated but never
    rated anyone are scored too (with no activity). Events have kind ``"rate"``
    and the time in whole seconds.

    Graph weights must be non-negative, so the raw rating ``r`` in -10..10 is
    stored as ``(r + 10) / 20`` in [0, 1]: 0 = total distrust, 0.5 = neutral,
    1 = total trust. Recover it with ``graph.weights * 20 - 10``.

    **Leakage warning**: the REV2 ground truth was derived partly from these
    ratings (a user is fraudulent when trusted members rated them very
    negatively), so any score computed from ratings is partly reading the label.

    Parameters
    ----------
    data_dir : str or PathLike, optional
        Folder holding ``bitcoin-otc/otc_network.csv`` and ``otc_gt.csv``;
        default ``$GRAPHBOT_DATA``.

    Returns
    -------
    graph : InteractionGraph
    labels : pandas.Series of bool
        The 316 labelled users only, indexed by node id; True = fraudulent
        (180), False = benign (136).

    Examples
    --------
    >>> load_bitcoin_otc("/nonexistent")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    DatasetNotFoundError: data directory '/nonexistent' does not exist

    References
    ----------
    .. [1] S. Kumar, B. Hooi, D. Makhija, M. Kumar, C. Faloutsos and
       V. S. Subrahmanian. REV2: fraudulent user prediction in rating
       platforms. WSDM 2018.
    """
    root = _resolve_dir(data_dir)
    network = _need(root, "bitcoin-otc/otc_network.csv")
    truth = _need(root, "bitcoin-otc/otc_gt.csv")
    edges = pd.read_csv(
        network, header=None, names=["rater", "ratee", "rating", "time"],
        dtype={"rater": np.int64, "ratee": np.int64, "rating": np.float64, "time": np.float64},
    )  # fmt: skip
    gt = pd.read_csv(truth, header=None, names=["node", "label"], dtype={"node": np.int64})
    gt_label = pd.to_numeric(gt["label"], errors="coerce")
    if not gt_label.isin([-1, 1]).all():
        row = int(np.flatnonzero(~gt_label.isin([-1, 1]).to_numpy())[0])
        raise InputFileError(str(truth), "label must be -1 or +1", line=row + 1, column="label")
    rating = edges["rating"].to_numpy()
    if ((rating < -10) | (rating > 10)).any():
        row = int(np.flatnonzero((rating < -10) | (rating > 10))[0])
        raise InputFileError(str(network), "rating outside -10..10", line=row + 1, column="rating")
    nodes = np.union1d(np.union1d(edges["rater"], edges["ratee"]), gt["node"])
    graph = from_events(
        edges["rater"].to_numpy(),
        edges["ratee"].to_numpy(),
        times=np.floor(edges["time"].to_numpy()).astype(np.int64),
        kinds="rate",
        weights=((rating + 10.0) / 20.0).astype(np.float32),
        extra_users=nodes,
    )
    labels = pd.Series((gt_label == -1).to_numpy(), index=gt["node"].to_numpy(), name="fraud")
    labels.index.name = "user"
    return graph, labels
