"""IPython magics (docs/notebooks.md).

``%%mlwb_run`` tracks one cell as a run; ``%mlwb_start`` / ``%mlwb_end`` span a run over
several cells; ``%mlwb_log`` logs to the active run. Each prints a one-line summary.
"""

from __future__ import annotations

import argparse
import ast
import shlex
import time
from typing import Any, Dict, List, Optional, Tuple

from IPython.core.error import UsageError

from . import lifecycle, start_run
from .errors import MlwbError
from .spans import spans


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would otherwise call sys.exit inside the kernel
        raise UsageError(f"{self.prog}: {message}\n{self.format_usage().strip()}")


def _run_parser(prog: str = "%%mlwb_run") -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, add_help=False)
    parser.add_argument("--experiment", "-e")
    parser.add_argument("--name", "-n")
    parser.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE")
    return parser


def _pairs(tokens: List[str], magic: str) -> List[Tuple[str, str]]:
    pairs = []
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep or not key:
            raise UsageError(f"{magic}: expected KEY=VALUE, got {token!r}")
        pairs.append((key, value))
    return pairs


def _split(line: str, magic: str) -> List[str]:
    try:
        return shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"{magic}: {exc}") from None


def _summary(run, verb: str, seconds: Optional[float] = None) -> None:
    """One line per run event, naming the run so it can be found in the sidebar or with the CLI."""
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    print(f"mlwb: run {run.name} ({run.id}) {verb}{took} · experiment {run.experiment} · mlwb runs show {run.id}")


def _start(args, magic: str):
    params: Dict[str, str] = dict(_pairs(args.param, f"{magic} --param"))
    try:
        return start_run(experiment=args.experiment, name=args.name, params=params)
    except MlwbError as exc:
        raise UsageError(f"{magic}: {exc}") from None


def _execute(shell, cell: str) -> Any:
    """Runs the cell in the user namespace and returns the value of a trailing expression.

    Exceptions propagate (unlike shell.run_cell), so the cell fails as it would
    without the magic and "Run All" stops.
    """
    __tracebackhide__ = True  # IPython hides this frame: the user's traceback starts in the cell
    code = shell.transform_cell(cell)
    try:
        # Registers the source so tracebacks show the cell's lines.
        filename = shell.compile.cache(code, shell.execution_count)
    except Exception:
        filename = "<mlwb_run>"
    tree = ast.parse(code, filename=filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), shell.user_ns)
    if last is not None:
        return eval(compile(last, filename, "eval"), shell.user_ns)
    return None


def load_ipython_extension(shell) -> None:
    def mlwb_run(line: str, cell: str):
        """%%mlwb_run [--experiment E] [--name N] [--param k=v ...]: run this cell as a tracked run."""
        __tracebackhide__ = True
        run = _start(_run_parser().parse_args(_split(line, "%%mlwb_run")), "%%mlwb_run")
        started = time.monotonic()
        try:
            with run:
                run.log_text(cell, "cell.py")  # the cell body as it ran, next to the run's other files
                result = _execute(shell, cell)
        finally:
            _summary(run, run.status, time.monotonic() - started)
        return result

    def mlwb_start(line: str):
        """%mlwb_start [--experiment E] [--name N] [--param k=v ...]: start a run that spans cells."""
        run = _start(_run_parser("%mlwb_start").parse_args(_split(line, "%mlwb_start")), "%mlwb_start")
        spans.begin(run)
        _summary(run, "started; log with %mlwb_log or mlwb.log_*, end with %mlwb_end")

    def mlwb_end(line: str):
        """%mlwb_end [--status finished|failed|killed]: end the run started with %mlwb_start."""
        parser = _Parser(prog="%mlwb_end", add_help=False)
        parser.add_argument("--status", "-s", default="finished", choices=["finished", "failed", "killed"])
        args = parser.parse_args(_split(line, "%mlwb_end"))
        run = lifecycle.active()
        if run is None:
            raise UsageError("%mlwb_end: no active run; start one with %mlwb_start")
        seconds = spans.end(run)
        run.end(args.status)
        _summary(run, run.status, seconds)

    def mlwb_log(line: str):
        """%mlwb_log k=v ...: numbers become metrics, anything else params (use {expr} for values)."""
        run = lifecycle.active()
        if run is None:
            raise UsageError("%mlwb_log: no active run; use %%mlwb_run, %mlwb_start or mlwb.start_run() first")
        metrics: Dict[str, float] = {}
        params: Dict[str, str] = {}
        for key, value in _pairs(_split(line, "%mlwb_log"), "%mlwb_log"):
            try:
                metrics[key] = float(value)
            except ValueError:
                params[key] = value
        try:
            if params:
                run.log_params(params)
            if metrics:
                run.log_metrics(metrics)
        except MlwbError as exc:
            raise UsageError(f"%mlwb_log: {exc}") from None

    shell.register_magic_function(mlwb_run, "cell", "mlwb_run")
    shell.register_magic_function(mlwb_start, "line", "mlwb_start")
    shell.register_magic_function(mlwb_end, "line", "mlwb_end")
    shell.register_magic_function(mlwb_log, "line", "mlwb_log")
    spans.install(shell)


def unload_ipython_extension(shell) -> None:
    spans.uninstall(shell)
