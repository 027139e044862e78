"""Finds the `.mlwb` workspace folder and creates run folders inside it."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Optional, Tuple

WORKSPACE_DIRNAME = ".mlwb"
RUNS_DIRNAME = "runs"


def _walk_up(start: Path):
    yield start
    yield from start.parents


def find_workspace(cwd: Optional[os.PathLike] = None, create: bool = True) -> Path:
    """Returns the `.mlwb` folder to use, creating it if needed (and ``create``).

    Order: env MLWB_DIR (the `.mlwb` folder itself); else the nearest `.mlwb/`
    in cwd or a parent, the way git finds `.git`; else a new `.mlwb/` at the
    enclosing git repository root, so running a script from a subfolder does
    not scatter workspaces; else a new `.mlwb/` in cwd.
    """
    start = Path(cwd if cwd is not None else os.getcwd()).absolute()
    env = os.environ.get("MLWB_DIR")
    if env:
        path = Path(env).expanduser()
        path = path if path.is_absolute() else start / path
    else:
        found = next((d / WORKSPACE_DIRNAME for d in _walk_up(start) if (d / WORKSPACE_DIRNAME).is_dir()), None)
        if found is not None:
            path = found
        else:
            # `.git` is a file in worktrees and submodules, hence exists() not is_dir().
            root = next((d for d in _walk_up(start) if (d / ".git").exists()), start)
            path = root / WORKSPACE_DIRNAME
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def new_run_id(now_ms: Optional[int] = None) -> str:
    """12 hex digits of the creation time in ms + 8 random hex digits: ids sort by time."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    return f"{ms:012x}{secrets.token_hex(4)}"


def create_run_dir(workspace: Path) -> Tuple[str, Path]:
    runs = workspace / RUNS_DIRNAME
    runs.mkdir(parents=True, exist_ok=True)
    while True:
        run_id = new_run_id()
        run_dir = runs / run_id
        try:
            run_dir.mkdir()
        except FileExistsError:
            continue
        (run_dir / "artifacts").mkdir()
        return run_id, run_dir
