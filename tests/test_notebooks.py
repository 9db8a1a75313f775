"""The notebooks run top to bottom on small data, in a scratch folder.

Each notebook executes in a fresh kernel with ``tmp_path`` as its working
directory, so nothing it might write lands in the repository. The real-data
notebook skips its steps cleanly when the dataset is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_notebooks_are_present_and_stored_without_outputs():
    assert len(NOTEBOOKS) >= 4
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code, path.name
        assert all(not c.get("outputs") for c in code), f"{path.name} is stored with outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    if "GRAPHBOT_DATA" not in os.environ:
        shared = Path(__file__).resolve().parents[2] / "shared" / "datasets"
        if shared.is_dir():
            monkeypatch.setenv("GRAPHBOT_DATA", str(shared))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    assert list(tmp_path.iterdir()) == []  # notebooks write only into temporary folders
