"""mlwb: the ML Workbench tracking client.

    import mlwb
    with mlwb.start_run(experiment="mnist", name="baseline", params={"lr": 0.01}) as run:
        for step in range(100):
            run.log_metric("loss", 1.0 / (step + 1))

Runs are written as append-only event logs under ``<.mlwb>/runs/<run_id>/``
(format: docs/event-log.md); the VS Code extension and the ``mlwb`` CLI read them.
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional

from .errors import MlwbError
from .run import Run
from .workspace import find_workspace
from . import lifecycle as _lifecycle

__version__ = "0.1.0"

__all__ = [
    "MlwbError",
    "Run",
    "active_run",
    "end_run",
    "find_workspace",
    "load_ipython_extension",
    "log_artifact",
    "log_input",
    "log_model",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "log_text",
    "set_tag",
    "set_tags",
    "start_run",
]


def start_run(
    experiment: Optional[str] = None,
    name: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
    tags: Optional[Mapping[str, Any]] = None,
) -> Run:
    """Starts a run and makes it the active one.

    Use it as a context manager, or call :func:`end_run` (a run still active
    at interpreter exit ends as ``finished``). Raises MlwbError if a run is
    already active.
    """
    return Run(experiment=experiment, name=name, params=params, tags=tags)


def active_run() -> Optional[Run]:
    return _lifecycle.active()


def _require_active() -> Run:
    """The active run, started on first use like MLflow's fluent API.

    A script run with "Run with Tracking" can then log with module-level calls
    alone; the run ends as ``finished`` at exit (or ``failed`` on an exception).
    """
    run = _lifecycle.active()
    if run is None:
        run = start_run()
    return run


def end_run(status: str = "finished") -> None:
    """Ends the active run; does nothing if there is none."""
    run = _lifecycle.active()
    if run is not None:
        run.end(status)


def log_metric(key: str, value: float, step: Optional[int] = None) -> None:
    _require_active().log_metric(key, value, step)


def log_metrics(metrics: Mapping[str, float], step: Optional[int] = None) -> None:
    _require_active().log_metrics(metrics, step)


def log_param(key: str, value: Any) -> None:
    _require_active().log_param(key, value)


def log_params(params: Mapping[str, Any]) -> None:
    _require_active().log_params(params)


def set_tag(key: str, value: Any) -> None:
    _require_active().set_tag(key, value)


def set_tags(tags: Mapping[str, Any]) -> None:
    _require_active().set_tags(tags)


def log_artifact(path, artifact_path: Optional[str] = None) -> List[str]:
    return _require_active().log_artifact(path, artifact_path)


def log_text(text: str, artifact_file: str) -> str:
    return _require_active().log_text(text, artifact_file)


def log_model(model, name: str, sample_input=None, register: bool = True, alias: Optional[str] = None, wait: float = 0.0):
    return _require_active().log_model(model, name, sample_input=sample_input, register=register, alias=alias, wait=wait)


def log_input(path) -> None:
    _require_active().log_input(path)


def load_ipython_extension(ipython) -> None:
    """Entry point of ``%load_ext mlwb``; IPython is imported only here."""
    from .magics import load_ipython_extension as load

    load(ipython)
