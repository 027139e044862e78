"""IPython magics: ``%%mlwb_run`` tracks one cell as a run, ``%mlwb_log`` logs to the active run."""

from __future__ import annotations

import argparse
import ast
import shlex
from typing import Any, Dict, List, Tuple

from IPython.core.error import UsageError

from . import lifecycle, start_run
from .errors import MlwbError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would otherwise call sys.exit inside the kernel
        raise UsageError(f"%%mlwb_run: {message}\n{self.format_usage().strip()}")


def _run_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="%%mlwb_run", add_help=False)
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


def _summary(run) -> None:
    print(f"mlwb: run {run.name} ({run.id}) {run.status}")


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
        args = _run_parser().parse_args(_split(line, "%%mlwb_run"))
        params: Dict[str, str] = dict(_pairs(args.param, "%%mlwb_run --param"))
        try:
            run = start_run(experiment=args.experiment, name=args.name, params=params)
        except MlwbError as exc:
            raise UsageError(f"%%mlwb_run: {exc}") from None
        try:
            with run:
                run.log_text(cell, "cell.py")  # the code as it was when it ran
                result = _execute(shell, cell)
        finally:
            _summary(run)
        return result

    def mlwb_log(line: str):
        """%mlwb_log k=v ...: numbers become metrics, anything else params (use {expr} for values)."""
        run = lifecycle.active()
        if run is None:
            raise UsageError("%mlwb_log: no active run; use %%mlwb_run or mlwb.start_run() first")
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
    shell.register_magic_function(mlwb_log, "line", "mlwb_log")

