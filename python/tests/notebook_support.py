"""Executes real notebooks headless (nbclient + ipykernel) for the client's and the extension's tests.

Also a command, used by test/integration/notebooks.test.ts:

    python3 -m tests.notebook_support SPEC.json

where SPEC is ``{"path": ".../nb.ipynb", "cells": ["src", ...], "env": {...},
"raises": [indexes of cells expected to fail]}``; it writes and executes the notebook,
saves it with its outputs, and prints ``{"ok": true}`` or the reason it could not run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional

PYTHON_DIR = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def missing_reason() -> Optional[str]:
    """Why notebooks cannot be executed here, or None when they can."""
    try:
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError as exc:
        return f"{exc.name} is not installed (python3 -m pip install -r python/requirements-test.txt)"
    try:
        KernelSpecManager().get_kernel_spec("python3")
    except Exception as exc:  # no ipykernel, so no python3 kernel
        return f"no python3 Jupyter kernel ({type(exc).__name__}: {exc}); install ipykernel"
    return None


def write_notebook(path: Path, cells: Iterable[str], raises: Iterable[int] = ()) -> None:
    import nbformat

    raises = set(raises)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i, source in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        if i in raises:
            cell.metadata["tags"] = ["raises-exception"]  # nbclient goes on past it
        nb.cells.append(cell)
    Path(path).write_text(nbformat.writes(nb), encoding="utf-8")


def execute_notebook(path: Path, env: Optional[Dict[str, str]] = None, save: bool = True):
    """Runs every cell in a fresh python3 kernel whose cwd is the notebook's folder."""
    import nbclient
    import nbformat

    path = Path(path)
    nb = nbformat.read(str(path), as_version=4)
    kernel_env = dict(os.environ)
    kernel_env["PYTHONPATH"] = str(PYTHON_DIR) + (os.pathsep + kernel_env["PYTHONPATH"] if kernel_env.get("PYTHONPATH") else "")
    kernel_env.update(env or {})
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=TIMEOUT,
        startup_timeout=TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
    )
    # nbclient passes extra keyword arguments of execute() to the kernel's launcher.
    client.execute(env=kernel_env)
    if save:
        path.write_text(nbformat.writes(nb), encoding="utf-8")
    return nb


def outputs_text(cell) -> str:
    parts: List[str] = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
        elif "data" in out:
            parts.append(str(out["data"].get("text/plain", "")))
    return "".join(parts)


def main(argv: List[str]) -> int:
    reason = missing_reason()
    if reason:
        print(json.dumps({"ok": False, "skip": reason}))
        return 0
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    write_notebook(Path(spec["path"]), spec["cells"], spec.get("raises", []))
    nb = execute_notebook(Path(spec["path"]), spec.get("env"))
    print(json.dumps({"ok": True, "outputs": [outputs_text(c) for c in nb.cells]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
