"""Shared helpers for the mlwb client tests (not a test module itself)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
from pathlib import Path
from typing import Any, Dict, List, Optional
from unittest import mock

PYTHON_DIR = Path(__file__).resolve().parents[1]
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))

import mlwb  # noqa: E402

CLEAN_ENV_KEYS = ("MLWB_DIR", "MLWB_EXPERIMENT", "MLWB_CAPTURE_ENV", "MLWB_CAPTURE_OUTPUT")


def _reject_constant(token: str) -> Any:
    raise ValueError(f"non-standard JSON token {token!r}")


def parse_line(line: str) -> Dict[str, Any]:
    """Strict JSON: bare NaN/Infinity tokens are rejected like JSON.parse would."""
    return json.loads(line, parse_constant=_reject_constant)


def read_events(run_dir: Path, complete_only: bool = True) -> List[Dict[str, Any]]:
    path = Path(run_dir) / "events.jsonl"
    if not path.exists():
        return []
    text = path.read_bytes().decode("utf-8")
    lines = text.split("\n")
    tail = lines.pop()  # text after the last newline is a line still being written
    if tail and not complete_only:
        lines.append(tail)
    return [parse_line(line) for line in lines if line]


def run_dirs(workspace: Path) -> List[Path]:
    runs = Path(workspace) / "runs"
    return sorted(runs.iterdir()) if runs.is_dir() else []


def wait_for(predicate, timeout: float = 5.0, interval: float = 0.01):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class TempDirTest(unittest.TestCase):
    """Gives each test a temp dir and an environment without MLWB_* variables."""

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="mlwb-test-")).resolve()
        self.addCleanup(shutil.rmtree, self.tmp, True)
        env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV_KEYS}
        patcher = mock.patch.dict(os.environ, env, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        cwd = os.getcwd()
        self.addCleanup(os.chdir, cwd)


class WorkspaceTest(TempDirTest):
    """A temp `.mlwb` workspace via MLWB_DIR, fast context capture, no leftover active run."""

    def setUp(self) -> None:
        super().setUp()
        self.workspace = self.tmp / ".mlwb"
        os.environ["MLWB_DIR"] = str(self.workspace)
        os.environ["MLWB_CAPTURE_ENV"] = "0"
        self.addCleanup(mlwb.end_run)

    def only_run_dir(self) -> Path:
        dirs = run_dirs(self.workspace)
        self.assertEqual(len(dirs), 1, dirs)
        return dirs[0]


def script_env(workspace: Path, **extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV_KEYS}
    env["PYTHONPATH"] = str(PYTHON_DIR) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MLWB_DIR"] = str(workspace)
    env["MLWB_CAPTURE_ENV"] = "0"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def write_script(directory: Path, code: str, name: str = "script.py") -> Path:
    path = Path(directory) / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


def run_script(
    directory: Path, code: str, workspace: Path, timeout: float = 30, env: Optional[Dict[str, str]] = None
) -> subprocess.CompletedProcess:
    path = write_script(directory, code)
    return subprocess.run(
        [sys.executable, str(path)],
        cwd=str(directory),
        env=script_env(workspace, **(env or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
    )
