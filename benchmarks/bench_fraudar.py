"""Fraudar benchmark: graphbot's numba peeling vs the reference ``rgmining-fraudar``.

Generates the same random bipartite graphs (skewed target popularity plus a
planted dense block) for every size, then runs each side in its own subprocess
on the same saved edge arrays and prints wall time, time ratio, peak RSS and the
peak memory added per edge (peak RSS minus the RSS after imports and loading the
edge arrays). It also checks that both sides return the same block and score.

The reference is optional (``pip install graphbot[bench]``); without it only our
side runs. Usage::

    python benchmarks/bench_fraudar.py                    # 1M and 5M edges
    python benchmarks/bench_fraudar.py --edges 200000 --no-reference
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np


def generate(n_edges: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised generator: ~10 edges per user, ~50 per target, Pareto popularity, a farm."""
    rng = np.random.default_rng(seed)
    n_users, n_targets = max(n_edges // 10, 10), max(n_edges // 50, 10)
    n_farm_users, n_farm_targets = min(1000, n_users // 10), min(200, n_targets // 10)
    n_farm = int(n_farm_users * n_farm_targets * 0.3)
    n_back = n_edges - n_farm
    users = np.empty(n_edges, dtype=np.int32)
    targets = np.empty(n_edges, dtype=np.int32)
    users[:n_back] = rng.integers(0, n_users, n_back, dtype=np.int32)
    popularity = rng.pareto(1.2, n_back) * (n_targets / 200)
    targets[:n_back] = (popularity.astype(np.int64) % n_targets).astype(np.int32)
    users[n_back:] = rng.integers(0, n_farm_users, n_farm, dtype=np.int32)
    targets[n_back:] = n_targets - 1 - rng.integers(0, n_farm_targets, n_farm, dtype=np.int32)
    return users, targets


def _rss_now_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _block_digest(users, targets) -> str:
    data = (
        np.asarray(sorted(users), np.int64).tobytes()
        + np.asarray(sorted(targets), np.int64).tobytes()
    )
    return hashlib.sha1(data).hexdigest()[:12]


def worker_ours(path: str) -> dict:
    from graphbot import InteractionGraph
    from graphbot.detect import fraudar

    tiny = InteractionGraph(np.array([0, 1]), np.array([0, 0]), user_ids=np.arange(2),
                            target_ids=np.arange(1))  # fmt: skip
    fraudar(tiny)  # load the numba cache (compiles once) before measuring
    users, targets = np.load(path + "_u.npy"), np.load(path + "_t.npy")
    n_users, n_targets = int(users.max()) + 1, int(targets.max()) + 1
    baseline = _rss_now_bytes()
    t0, c0 = time.perf_counter(), time.process_time()
    graph = InteractionGraph(users, targets, user_ids=np.arange(n_users),
                             target_ids=np.arange(n_targets))  # fmt: skip
    result = fraudar(graph)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    c1 = time.process_time()
    fraudar(graph)  # CSR now cached: the peeling alone
    cpu_cached = time.process_time() - c1
    block = result.groups[0]
    return {"seconds": seconds, "cpu": cpu, "cpu_cached_csr": cpu_cached, "baseline": baseline,
            "peak": _peak_rss_bytes(), "nnz": int(graph.csr.nnz), "score": block.score,
            "block": _block_digest(block.users, block.targets),
            "size": [block.n_users, block.n_targets]}  # fmt: skip


def worker_reference(path: str) -> dict:
    import scipy.sparse as sp
    from fraudar.export import greedy

    users, targets = np.load(path + "_u.npy"), np.load(path + "_t.npy")
    baseline = _rss_now_bytes()
    t0, c0 = time.perf_counter(), time.process_time()
    # the reference's listToSparseMatrix, fed arrays instead of Python lists
    shape = (int(users.max()) + 1, int(targets.max()) + 1)
    matrix = sp.coo_matrix((np.ones(len(users), int), (users, targets)), shape=shape) > 0
    matrix = matrix.astype("int")
    with contextlib.redirect_stdout(io.StringIO()):
        (rows, cols), score = greedy.logWeightedAveDegree(matrix)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": seconds, "cpu": cpu, "baseline": baseline, "peak": _peak_rss_bytes(),
            "nnz": int(matrix.nnz), "score": float(score), "block": _block_digest(rows, cols),
            "size": [len(rows), len(cols)]}  # fmt: skip


def run_side(side: str, path: str) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, "--worker", side, "--data", path],
                          capture_output=True, text=True)  # fmt: skip
    if proc.returncode != 0:
        print(f"[{side}] failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def reference_available() -> bool:
    try:
        import fraudar.export.greedy  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edges", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--worker", choices=["ours", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        work = worker_ours if args.worker == "ours" else worker_reference
        print(json.dumps(work(args.data)))
        return
    with_ref = not args.no_reference and reference_available()
    if not args.no_reference and not with_ref:
        print("reference rgmining-fraudar not installed: running graphbot only")
    print(_row("edges", "nnz", "ours wall", "ours cpu", "peel cpu", "ref wall", "ref cpu",
               "cpu ratio", "ours MB", "ref MB", "ours B/e", "ref B/e", "same"))  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for n_edges in args.edges:
            path = os.path.join(tmp, f"g{n_edges}")
            users, targets = generate(n_edges)
            np.save(path + "_u.npy", users)
            np.save(path + "_t.npy", targets)
            del users, targets
            ours = run_side("ours", path)
            ref = run_side("reference", path) if with_ref else None
            if ours is not None:
                print(_table_row(n_edges, ours, ref), flush=True)
    print("wall/cpu: seconds for building the input matrix + detecting one block; peel cpu:")
    print("ours again with the graph's CSR cached; cpu ratio: ref cpu / ours cpu (robust to")
    print("other load on the machine). MB: peak RSS of the side's process. B/e: peak RSS minus")
    print("RSS after imports and loading the edge arrays, per input edge. same: identical")
    print("block and bit-identical score.")


def _row(*cells) -> str:
    widths = (9, 9, 9, 8, 8, 9, 8, 9, 8, 8, 8, 8, 5)
    return " ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))


def _table_row(n_edges: int, ours: dict, ref: dict | None) -> str:
    mb = 1024 * 1024
    per_edge = (ours["peak"] - ours["baseline"]) / n_edges
    if ref is None:
        return _row(n_edges, ours["nnz"], f"{ours['seconds']:.2f}", f"{ours['cpu']:.2f}",
                    f"{ours['cpu_cached_csr']:.2f}", "-", "-", "-", f"{ours['peak'] / mb:.0f}",
                    "-", f"{per_edge:.1f}", "-", "-")  # fmt: skip
    same = ref["block"] == ours["block"] and ref["score"] == ours["score"]
    return _row(
        n_edges, ours["nnz"], f"{ours['seconds']:.2f}", f"{ours['cpu']:.2f}",
        f"{ours['cpu_cached_csr']:.2f}", f"{ref['seconds']:.1f}", f"{ref['cpu']:.1f}",
        f"{ref['cpu'] / ours['cpu']:.1f}x", f"{ours['peak'] / mb:.0f}", f"{ref['peak'] / mb:.0f}",
        f"{per_edge:.1f}", f"{(ref['peak'] - ref['baseline']) / n_edges:.1f}", str(same),
    )  # fmt: skip


if __name__ == "__main__":
    main()
