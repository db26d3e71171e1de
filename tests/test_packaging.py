"""The root folders install under the supportgraph namespace, editable and as a wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGES = ("graph", "nodes", "tools", "checkpoints", "cli", "reports", "runs")


def test_editable_install_maps_each_folder(tmp_path: Path) -> None:
    code = "import supportgraph.graph.builder as b, supportgraph.tools.knowledge.kb as k; print(b.__file__); print(k.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    ).stdout.split()
    assert out == [str(ROOT / "graph" / "builder.py"), str(ROOT / "tools" / "knowledge" / "kb.py")]


def test_no_bare_top_level_package_is_installed(tmp_path: Path) -> None:
    code = "import importlib.util as u; print([n for n in ('graph', 'tools', 'nodes') if u.find_spec(n)])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_wheel_contains_the_mapped_packages_and_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("supportgraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in PACKAGES:
        assert f"supportgraph/{package}/__init__.py" in names
    assert "supportgraph/graph/builder.py" in names
    assert "supportgraph/tools/data/kb/KB-001.md" in names
    assert "supportgraph/tools/data/sla_policy.json" in names
    assert not any(n.startswith(("graph/", "tools/", "tests/")) for n in names)
