"""SIGKILL at random moments, rerun: no ticket lost, no reply delivered twice (small `make crash-test`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_killed_runs_resume_without_loss_or_duplicates(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "crash_test.py"),
            "--tickets",
            "25",
            "--kills",
            "2",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tickets: 25" in result.stdout
    assert "duplicate keys: 0" in result.stdout
    assert "tickets with two delivered replies: 0" in result.stdout
