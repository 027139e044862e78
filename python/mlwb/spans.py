"""Runs that span cells (``%mlwb_start`` … ``%mlwb_end``) and the cell hook behind them.

Every cell executed while such a run is active is part of its code: its source is
stored as an object and the list of cells is kept as the artifact
``notebook_cells.json`` (rewritten after each cell, so a kernel that dies keeps
what ran). The extension reads that list to put a status-bar item on each cell.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any, Dict, List, Optional

from . import codeversion, lifecycle, notebook

CELLS_ARTIFACT = "notebook_cells.json"


def _pre_run_cell(info) -> None:
    notebook.on_pre_run_cell(info)
    spans.record_cell()


class _Spans:
    def __init__(self) -> None:
        self.run: Optional[Any] = None
        self.started = 0.0
        self.cells: List[Dict[str, Any]] = []
        self._warned = False

    def install(self, shell) -> None:
        self.uninstall(shell)  # %reload_ext must not register the hook twice
        shell.events.register("pre_run_cell", _pre_run_cell)

    def uninstall(self, shell) -> None:
        try:
            shell.events.unregister("pre_run_cell", _pre_run_cell)
        except ValueError:
            pass

    def begin(self, run) -> None:
        self.run = run
        self.started = time.monotonic()
        self.cells = []
        self._add(notebook.current_cell())

    def end(self, run) -> Optional[float]:
        """Forgets ``run``; returns its duration in seconds if it was a spanning run."""
        if self.run is not run:
            return None
        self.run = None
        return time.monotonic() - self.started

    def record_cell(self) -> None:
        run = self.run
        if run is None:
            return
        if lifecycle.active() is not run:  # ended some other way (mlwb.end_run(), kernel hook)
            self.run = None
            return
        self._add(notebook.current_cell())

    def _add(self, cell: Optional[Dict[str, Any]]) -> None:
        if cell is None or self.run is None:
            return
        try:
            objects = self.run.dir.parent.parent / codeversion.OBJECTS_DIRNAME
            self.cells.append(codeversion.cell_record(objects, cell))
            self.run.log_text(json.dumps(self.cells, indent=1), CELLS_ARTIFACT)
        except Exception as exc:  # never break the user's cell over bookkeeping
            if not self._warned:
                self._warned = True
                print(f"mlwb: could not record the cell's code: {type(exc).__name__}: {exc}", file=sys.stderr)


spans = _Spans()
