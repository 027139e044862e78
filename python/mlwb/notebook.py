"""What the kernel knows about the notebook it runs: the notebook's path and the executing cell.

Front ends expose these differently (see docs/notebooks.md):

- VS Code's Jupyter extension puts the notebook path in the user namespace as
  ``__vsc_ipynb_file__`` and sends the cell's document URI as ``cellId`` in the
  execute request's metadata.
- Jupyter Server (classic Notebook 7, JupyterLab) starts kernels with the env
  ``JPY_SESSION_NAME`` (IPython copies it to ``__session__``) and sends the
  nbformat cell ``id`` as ``cellId``.
- ``MLWB_NOTEBOOK_PATH`` overrides both, for runners that tell neither
  (papermill, nbclient, a kernel started by hand).

Only already-imported modules are consulted: importing IPython here would be slow
and wrong for scripts.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional

# Set by the pre_run_cell hook that %load_ext mlwb installs.
_current: Optional[Dict[str, Any]] = None


def ipython_shell():
    module = sys.modules.get("IPython")
    get = getattr(module, "get_ipython", None)
    try:
        return get() if get is not None else None
    except Exception:
        return None


def is_kernel(shell) -> bool:
    return "ipykernel" in sys.modules or type(shell).__name__ == "ZMQInteractiveShell"


def _resolve(candidate: str, cwd: Path) -> Optional[str]:
    """An existing absolute path for ``candidate``, or None.

    Jupyter Server has given JPY_SESSION_NAME both as an absolute path and as a
    path relative to its root; the kernel runs in the notebook's folder, so a
    relative one is tried against the cwd and then by its file name alone.
    """
    path = Path(candidate).expanduser()
    tries = [path] if path.is_absolute() else [cwd / path, cwd / path.name]
    for p in tries:
        if p.is_file():
            return str(p.resolve())
    return None


def notebook_path(shell=None) -> Optional[str]:
    """Absolute path of the running notebook, or None when no source tells it."""
    shell = shell if shell is not None else ipython_shell()
    ns = getattr(shell, "user_ns", None) or {}
    cwd = Path(os.getcwd())
    candidates = [
        os.environ.get("MLWB_NOTEBOOK_PATH"),
        ns.get("__vsc_ipynb_file__"),
        os.environ.get("JPY_SESSION_NAME"),
        ns.get("__session__"),
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.endswith(".ipynb"):
            found = _resolve(candidate, cwd)
            if found:
                return found
    return None


def normalize_source(source: str) -> str:
    """The form both sides hash: LF line ends, no trailing blank space.

    Kernels receive the cell text as typed; the saved .ipynb and VS Code's editor
    may differ in line endings and a final newline, which must not break matching.
    """
    return source.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def source_hash(source: str) -> str:
    return hashlib.sha256(normalize_source(source).encode("utf-8")).hexdigest()


def _kernel_cell_id(shell) -> Optional[str]:
    """cellId from the execute request's metadata (ipykernel keeps the parent message)."""
    kernel = getattr(shell, "kernel", None)
    get_parent = getattr(kernel, "get_parent", None)
    try:
        parent = get_parent() if get_parent is not None else getattr(shell, "parent_header", None)
    except Exception:
        return None
    meta = parent.get("metadata") if isinstance(parent, dict) else None
    cell_id = meta.get("cellId") if isinstance(meta, dict) else None
    return cell_id if isinstance(cell_id, str) and cell_id else None


def on_pre_run_cell(info) -> None:
    """IPython pre_run_cell hook: remembers the cell that is about to run."""
    global _current
    shell = ipython_shell()
    raw = getattr(info, "raw_cell", None)
    if not isinstance(raw, str):
        return
    cell_id = getattr(info, "cell_id", None) or (_kernel_cell_id(shell) if shell is not None else None)
    count = getattr(shell, "execution_count", None)
    _current = {"source": raw, "id": cell_id, "execution_count": count if isinstance(count, int) else None}


def current_cell(shell=None) -> Optional[Dict[str, Any]]:
    """The executing cell: ``{"source", "id", "execution_count"}``, or None outside IPython.

    Without the hook (``mlwb.start_run()`` in a notebook that never ran
    ``%load_ext mlwb``) the raw input history and the kernel's parent message
    give the same answer.
    """
    shell = shell if shell is not None else ipython_shell()
    if shell is None:
        return None
    count = getattr(shell, "execution_count", None)
    if _current is not None and _current.get("execution_count") == count:
        return dict(_current)
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    if history:
        return {"source": history[-1], "id": _kernel_cell_id(shell), "execution_count": count}
    return None
