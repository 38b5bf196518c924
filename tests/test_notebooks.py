"""The notebooks run top to bottom headless, and their saved state holds no secret."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def run_notebook(name: str, folder: Path) -> tuple[nbformat.NotebookNode, str]:
    """Execute a notebook in a fresh kernel; return it and its saved text."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    runner = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    runner.execute()
    saved = folder / name
    nbformat.write(notebook, saved)
    return notebook, saved.read_text()


@pytest.mark.notebook
def test_quickstart_runs_and_saves_no_api_key(tmp_path: Path) -> None:
    notebook, text = run_notebook("01-quickstart.ipynb", tmp_path)
    key_file = Path(os.environ["IPYINTERVIEW_HOME"]) / "local-api-key"

    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outputs)
    assert "Finish the interview above" in text
    state = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    assert any(m["state"].get("catalogue") for m in state.values())
    assert key_file.read_text().strip() not in text


@pytest.mark.notebook
def test_classroom_runs_headless_with_finished_rows_and_no_token(
    tmp_path: Path,
) -> None:
    notebook, text = run_notebook("02-classroom.ipynb", tmp_path)
    key_file = Path(os.environ["IPYINTERVIEW_HOME"]) / "local-api-key"

    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert "Gradebook saved: 2 of 3 finished" in text
    state = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    (grid,) = [m["state"] for m in state.values() if "rows" in m["state"]]
    statuses = [row["status"] for row in grid["rows"]]
    assert statuses == ["finished", "finished", "not started"]
    assert all(isinstance(row["score"], int) for row in grid["rows"][:2])
    assert grid["rows"][0]["score"] > grid["rows"][1]["score"]
    assert "userApiToken" not in text
    assert key_file.read_text().strip() not in text
    assert (tmp_path / "gradebook.csv").read_text().count("finished") == 2


def test_cohort_analysis_runs_and_shows_its_results(tmp_path: Path) -> None:
    notebook, text = run_notebook("03-cohort-analysis.ipynb", tmp_path)

    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert "<Cohort: 48 sessions (48 completed), 12 users, 0 failed reads>" in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
    assert "Points Possible" in text
    assert outputs[-1]["data"]["text/plain"] == "True"
