"""Gathers what makes a run reproducible: interpreter, source, git state, packages.

Everything here is best effort: a failure is recorded in ``context_error`` and
never stops the run from starting.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from . import codeversion, notebook

GIT_TIMEOUT = 5.0
MAX_DIFF_BYTES = 1024 * 1024


def capture_env_enabled() -> bool:
    return os.environ.get("MLWB_CAPTURE_ENV", "1").strip().lower() not in ("0", "false", "no", "off")


def source_info() -> Dict[str, Any]:
    shell = notebook.ipython_shell()
    if shell is not None:
        if notebook.is_kernel(shell):
            # How each front end tells the notebook's path: mlwb/notebook.py, docs/notebooks.md.
            return {"path": notebook.notebook_path(shell), "kind": "notebook"}
        return {"path": None, "kind": "interactive"}
    argv0 = sys.argv[0] if getattr(sys, "argv", None) else ""
    if hasattr(sys, "ps1") or argv0 in ("", "-", "-c"):
        return {"path": None, "kind": "interactive"}
    path = Path(argv0).resolve()
    return {"path": str(path) if path.exists() else None, "kind": "script"}


def _git_env() -> Dict[str, str]:
    env = dict(os.environ)
    # Read-only commands must not take the index lock the user's own git may need.
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


class _Git:
    def __init__(self, cwd: str, deadline: float) -> None:
        self.cwd = cwd
        self.deadline = deadline
        self.env = _git_env()

    def _timeout(self) -> float:
        return max(0.1, self.deadline - time.monotonic())

    def _how(self) -> Dict[str, Any]:
        """How every git command runs: in the repo, never prompting, stdout read, stderr dropped."""
        return {
            "cwd": self.cwd,
            "env": self.env,
            "stdin": subprocess.DEVNULL,
            "stdout": subprocess.PIPE,
            "stderr": subprocess.DEVNULL,
        }

    def text(self, *args: str) -> Optional[str]:
        """stdout of a git command, or None if it failed."""
        proc = subprocess.run(["git", *args], timeout=self._timeout(), **self._how())
        if proc.returncode != 0:
            return None
        return proc.stdout.decode("utf-8", "replace").strip()

    def limited(self, limit: int, *args: str):
        """(bytes, truncated) reading at most ``limit`` bytes, so a huge diff costs no memory."""
        proc = subprocess.Popen(["git", *args], **self._how())
        assert proc.stdout is not None  # stdout=PIPE above
        timer = threading.Timer(self._timeout(), proc.kill)
        timer.start()
        try:
            data = proc.stdout.read(limit + 1)
            truncated = len(data) > limit
            if truncated:
                proc.kill()
            proc.stdout.close()
            proc.wait()
        finally:
            timer.cancel()
        if not truncated and proc.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)} exited with status {proc.returncode}")
        return data[:limit], truncated


def git_info(cwd: str) -> Optional[Dict[str, Any]]:
    git = _Git(cwd, time.monotonic() + GIT_TIMEOUT)
    try:
        root = git.text("rev-parse", "--show-toplevel")
    except FileNotFoundError:  # git is not installed
        return None
    if root is None:
        return None
    commit = git.text("rev-parse", "--verify", "-q", "HEAD") or None
    branch = git.text("symbolic-ref", "-q", "--short", "HEAD") or None
    status = git.text("status", "--porcelain", "--untracked-files=no")
    info: Dict[str, Any] = {
        "commit": commit,
        "branch": branch,
        "dirty": bool(status),
        "diff": "",
        "root": root,
    }
    if commit is not None and status:
        data, truncated = git.limited(MAX_DIFF_BYTES, "diff", "HEAD", "--no-color", "--no-ext-diff")
        info["diff"] = data.decode("utf-8", "replace")
        if truncated:
            info["diff_truncated"] = True
    return info


_NAME_RE = re.compile(r"[-_.]+")


def _canonical(name: str) -> str:
    return _NAME_RE.sub("-", name).lower()


def packages() -> List[str]:
    from importlib import metadata

    found = set()
    for dist in metadata.distributions():
        # Reading the dist-info folder name is ~50x faster than parsing METADATA.
        folder = getattr(getattr(dist, "_path", None), "name", "")
        if folder.endswith(".dist-info") and "-" in folder[:-10]:
            name, version = folder[:-10].split("-", 1)
        else:
            name, version = dist.metadata["Name"], dist.version
        if name and version:
            found.add(f"{_canonical(name)}=={version}")
    return sorted(found)


def gather(capture_env: Optional[bool] = None) -> Dict[str, Any]:
    if capture_env is None:
        capture_env = capture_env_enabled()
    ctx: Dict[str, Any] = {}
    errors: List[str] = []

    def part(name: str, fn: Callable[[], Any]) -> None:
        try:
            ctx[name] = fn()
        except Exception as exc:
            ctx[name] = None
            errors.append(f"{name}: {type(exc).__name__}: {exc}")

    part("python_version", platform.python_version)
    part("executable", lambda: sys.executable)
    part("argv", lambda: [str(a) for a in getattr(sys, "argv", [])])
    part("cwd", os.getcwd)
    part("source", source_info)
    if capture_env:
        # Git about the script's repository, which is what the run's code came from.
        src = ctx.get("source") or {}
        git_dir = os.path.dirname(src["path"]) if src.get("kind") == "script" and src.get("path") else None
        part("git", lambda: git_info(git_dir or os.getcwd()))
        part("packages", packages)
    else:
        ctx["git"] = None
        ctx["packages"] = None
    if errors:
        ctx["context_error"] = "; ".join(errors)
    return ctx


def add_code(ctx: Dict[str, Any], workspace: Path) -> None:
    """Stores the run's code (script, or notebook and cell) and records ``ctx["code"]``.

    Runs once the workspace is known; like the rest of the context it never stops
    the run: a failure lands in ``context_error``.
    """
    if not codeversion.capture_enabled():
        return
    try:
        cell = notebook.current_cell() if notebook.ipython_shell() is not None else None
        code = codeversion.capture(ctx.get("source"), workspace, cell)
    except Exception as exc:
        message = f"code: {type(exc).__name__}: {exc}"
        ctx["context_error"] = f"{ctx['context_error']}; {message}" if ctx.get("context_error") else message
        return
    if code is not None:
        ctx["code"] = code
