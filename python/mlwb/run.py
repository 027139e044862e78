"""A tracked run: validates input, formats event lines, hands them to the writer."""

from __future__ import annotations

import os
import socket
import time
import traceback
from pathlib import Path
from typing import Any, Dict, List, Literal, Mapping, Optional

from . import artifacts, capture, context, events, lifecycle, validation
from .errors import MlwbError
from .workspace import create_run_dir, find_workspace
from .writer import Writer

_time_ns = time.time_ns
_monotonic = time.monotonic
# Never a key of a caller's dict: the one-key lookup's starting point.
_NO_KEY = object()

MAX_ERROR_LENGTH = 8000


def _flag(name: str, default: bool = True) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def _hostname() -> str:
    try:
        return socket.gethostname()
    except OSError:
        return ""


def default_run_name() -> str:
    return time.strftime("run-%Y%m%d-%H%M%S")


class Run:
    """Use :func:`mlwb.start_run` to create one."""

    def __init__(
        self,
        experiment: Optional[str] = None,
        name: Optional[str] = None,
        params: Optional[Mapping[str, Any]] = None,
        tags: Optional[Mapping[str, Any]] = None,
    ) -> None:
        experiment = experiment if experiment is not None else os.environ.get("MLWB_EXPERIMENT") or "Default"
        if not isinstance(experiment, str) or not experiment.strip():
            raise MlwbError(f"experiment must be a non-empty string, got {experiment!r}")
        if name is None:
            name = default_run_name()
        if not isinstance(name, str) or not name.strip():
            raise MlwbError(f"run name must be a non-empty string, got {name!r}")
        start_params = validation.new_params(params or {}, {})
        start_tags = validation.tags(tags or {})

        self.experiment: str = experiment
        self.name: str = name
        self.status: str = "running"
        self.pid = os.getpid()
        self._params: Dict[str, str] = dict(start_params)
        self._tags: Dict[str, str] = dict(start_tags)
        # key -> [metric line prefix, json-encoded key, points logged so far]
        self._metric_keys: Dict[str, List[Any]] = {}
        # [key, entry] of the last one-key log_metrics call (see log_metrics).
        self._one_key: List[Any] = [_NO_KEY, None]
        self._ended = False
        self._capture: Optional[capture.OutputCapture] = None

        self._writer: Optional[Writer] = None

        lifecycle.ensure_none_active()
        ctx = context.gather()
        lifecycle.activate(self)
        started = False
        try:
            workspace = find_workspace()
            self.id, run_dir = create_run_dir(workspace)
            context.add_code(ctx, workspace)
            self.dir: Path = run_dir
            self._writer = Writer(run_dir, capture_output=_flag("MLWB_CAPTURE_OUTPUT"))
            self._append = self._writer.append
            # The same writer, typed as present: the metric calls run only after this point.
            self._live_writer: Writer = self._writer
            self._push = self._writer.push
            self._append(
                events.run_start(
                    events.now_ms(), self.id, experiment, name, self.pid, _hostname(),
                    start_params, start_tags, ctx,
                )
            )
            started = True
            # Flushed at once so a watcher sees the run the moment it starts.
            self._writer.flush()
            self._writer.start()
            self._capture = capture.maybe_start(self._writer.append_output)
        except BaseException as exc:
            self._ended = True
            self.status = "failed"
            if self._writer is not None:
                if started:  # never a run_end without its run_start
                    self._writer.append(events.run_end(events.now_ms(), "failed", lifecycle.describe(exc)))
                self._writer.close()
            lifecycle.deactivate(self)
            raise
        lifecycle.install_signal_handlers(self)

    def __repr__(self) -> str:
        return f"<mlwb.Run {self.name!r} id={self.id} status={self.status}>"

    # --- context manager ------------------------------------------------------------

    def _open_writer(self) -> Writer:
        # None only while __init__ fails half-way; every method runs after it succeeded.
        assert self._writer is not None, "the run's writer exists once the run has started"
        return self._writer

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type, exc, tb) -> "Literal[False]":
        if exc_type is None:
            self._finish("finished")
        elif issubclass(exc_type, SystemExit) and exc.code in (None, 0):
            self._finish("finished")
        else:
            # Output is captured only when the writer keeps it (append_output is None otherwise).
            output = self._open_writer().append_output
            if not self._ended and self._capture is not None and output is not None:
                output("".join(traceback.format_exception(exc_type, exc, tb)))
            status = "killed" if issubclass(exc_type, KeyboardInterrupt) else "failed"
            self._finish(status, lifecycle.describe(exc))
        return False

    # --- metrics (hot path) ------------------------------------------------------------

    def _new_metric_key(self, key: Any) -> List[Any]:
        validation.validate_key("metric", key)
        json_key = events.json_key(key)
        # prefix of a metric line, JSON key, next default step, JSON key and colon (log_metrics),
        # the middle of a one-key metrics line
        entry = [events.metric_prefix(key), json_key, 0, json_key + ":", ',"values":{' + json_key + ":"]
        self._metric_keys[key] = entry
        return entry

    # log_metric and log_metrics are the calls users make millions of times, so both are written
    # out flat: no helper call per point, one f-string per line, the writer's push and deadline
    # used directly (Writer.append costs one more Python call), attributes read once.

    def log_metric(self, key: str, value: float, step: Optional[int] = None) -> None:
        if self._ended:
            self._raise_ended()
        try:
            entry = self._metric_keys[key]
        except (KeyError, TypeError):
            entry = self._new_metric_key(key)
        if value.__class__ is not float:
            value = validation.metric_value(key, value)
        if step is None:
            step = entry[2]
        elif step.__class__ is not int:
            step = validation.step(step)
        entry[2] += 1
        # Inlined fmt_float: x - x is 0.0 exactly for finite x.
        if value - value == 0.0:
            self._push(f'{{"type":"metric","ts":{_time_ns() // 1000000}{entry[0]}{value!r},"step":{step}}}\n')
        else:
            self._push(events.metric_line(_time_ns() // 1000000, entry[0], value, step))
        writer = self._live_writer
        if _monotonic() >= writer.deadline:
            writer.flush()

    def log_metrics(self, metrics: Mapping[str, float], step: Optional[int] = None) -> None:
        # A dict per step is what most training loops log, so per point it must cost no more than
        # log_metric. A one-key dict is the common worst case (the caller pays for the dict and
        # the step= keyword): it is looked up by the key of the previous one-key call, which
        # finds the value without iterating the dict (no iterator or item tuple is allocated).
        if self._ended:
            self._raise_ended()
        if metrics.__class__ is dict and len(metrics) == 1:
            key, entry = self._one_key
            try:
                value = metrics[key]  # a plain dict has no __missing__: a miss raises
            except KeyError:
                key, entry = self._remember_one_key(metrics)
                value = metrics[key]
            if value.__class__ is not float:
                value = validation.metric_value(key, value)
            if step.__class__ is not int:  # a loop that logs a dict per step passes the step
                step = entry[2] if step is None else validation.step(step)
            entry[2] += 1
            if value - value == 0.0:
                self._push(f'{{"type":"metrics","ts":{_time_ns() // 1000000},"step":{step}{entry[4]}{value!r}}}}}\n')
            else:  # NaN and ±Inf, written as strings
                text = events.fmt_float(value)
                self._push(f'{{"type":"metrics","ts":{_time_ns() // 1000000},"step":{step}{entry[4]}{text}}}}}\n')
        else:
            if metrics.__class__ is not dict and not isinstance(metrics, Mapping):
                kind = type(metrics).__name__
                raise MlwbError(f"metrics must be a mapping of key to number, got {kind}")
            line = self._metrics_line(metrics, step)
            if line is None:
                return
            self._push(line)
        writer = self._live_writer
        if _monotonic() >= writer.deadline:
            writer.flush()

    def _remember_one_key(self, metrics: Dict[str, float]) -> List[Any]:
        """The (key, entry) of a one-key dict, kept for the next one-key call."""
        ((key, _),) = metrics.items()
        try:
            entry = self._metric_keys[key]
        except (KeyError, TypeError):
            entry = self._new_metric_key(key)
        self._one_key = one = [key, entry]
        return one

    def _metrics_line(self, metrics: Mapping[str, float], step: Optional[int]) -> Optional[str]:
        """The line for a dict of any size (None when it is empty); counts its points."""
        keys = self._metric_keys
        entries = []
        body = []
        for key, value in metrics.items():
            try:
                entry = keys[key]
            except (KeyError, TypeError):
                entry = self._new_metric_key(key)
            if value.__class__ is not float:
                value = validation.metric_value(key, value)
            entries.append(entry)
            # entry[3] is the JSON-encoded key and its colon.
            body.append(entry[3] + (repr(value) if value - value == 0.0 else events.fmt_float(value)))
        if not entries:
            return None
        if step is None:
            step = entries[0][2] if len(entries) == 1 else max([e[2] for e in entries])
        elif step.__class__ is not int:
            step = validation.step(step)
        for entry in entries:
            entry[2] += 1
        return f'{{"type":"metrics","ts":{_time_ns() // 1000000},"step":{step},"values":{{{",".join(body)}}}}}\n'

    # --- params, tags, artifacts, inputs ---------------------------------------------------

    def log_param(self, key: str, value: Any) -> None:
        self.log_params({key: value})

    def log_params(self, params: Mapping[str, Any]) -> None:
        self._check_open()
        fresh = validation.new_params(params, self._params)
        if fresh:
            self._params.update(fresh)
            self._append(events.params(events.now_ms(), fresh))

    def set_tag(self, key: str, value: Any) -> None:
        self.set_tags({key: value})

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        self._check_open()
        values = validation.tags(tags)
        if values:
            self._tags.update(values)
            self._append(events.tags(events.now_ms(), values))

    def log_artifact(self, path, artifact_path: Optional[str] = None) -> List[str]:
        """Copies a file or folder into the run's artifacts; returns the artifact paths."""
        self._check_open()
        copied = []
        for rel, size in artifacts.copy_into(
            self.dir / "artifacts", path, artifact_path, skip_dirs=(self.dir.parent.parent,)
        ):
            self._append(events.artifact(events.now_ms(), rel, size))
            copied.append(rel)
        return copied

    def log_text(self, text: str, artifact_file: str) -> str:
        """Writes ``text`` as the artifact ``artifact_file`` (like mlflow.log_text)."""
        self._check_open()
        rel = artifacts.safe_subpath(artifact_file)
        if not rel:
            raise MlwbError("log_text needs a file name, e.g. 'notes.txt'")
        dest = artifacts.safe_destination(self.dir / "artifacts", rel)
        data = str(text).encode("utf-8")
        artifacts.write_replacing(dest, lambda f: f.write(data))
        self._append(events.artifact(events.now_ms(), rel, dest.stat().st_size))
        return rel

    def log_model(self, model, name: str, sample_input=None, register: bool = True,
                  alias: Optional[str] = None, wait: float = 0.0) -> Dict[str, Any]:
        """Logs a model as ONNX and asks the registry to register it (see mlwb.models.log_model)."""
        self._check_open()
        from .models import log_model  # converters load lazily, only when a model is logged

        return log_model(self, model, name, sample_input=sample_input, register=register, alias=alias, wait=wait)

    def log_input(self, path) -> None:
        self._check_open()
        text = os.fspath(path)
        if not isinstance(text, str) or not text:
            raise MlwbError(f"input path must be a non-empty path, got {path!r}")
        if "://" not in text:  # keep URLs such as s3://bucket/key as they are
            text = os.path.abspath(os.path.expanduser(text))
        self._append(events.input_(events.now_ms(), text))

    @property
    def params(self) -> Dict[str, str]:
        return dict(self._params)

    @property
    def tags(self) -> Dict[str, str]:
        return dict(self._tags)

    # --- ending ------------------------------------------------------------------------

    def flush(self) -> None:
        """Writes everything buffered so far to disk now."""
        self._open_writer().flush()

    def end(self, status: str = "finished", error: Optional[str] = None) -> None:
        """Ends the run; a second call does nothing."""
        self._finish(validation.end_status(status), error)

    def _finish(self, status: str, error: Optional[str] = None) -> None:
        if self._ended:
            return
        self._ended = True
        self.status = status
        try:
            if self._capture is not None:
                self._capture.stop()
            if error is not None:
                error = str(error)[:MAX_ERROR_LENGTH]
            if self._writer is not None:
                self._append(events.run_end(events.now_ms(), status, error))
                self._writer.close()
        finally:
            lifecycle.deactivate(self)

    def _detach_after_fork(self) -> None:
        self._ended = True
        if self._capture is not None:
            self._capture.detach()
        if self._writer is not None:
            self._writer.abandon()

    def _check_open(self) -> None:
        if self._ended:
            self._raise_ended()

    def _raise_ended(self) -> None:
        raise MlwbError(f"run {self.name!r} ({self.id}) has ended ({self.status}); start a new run to log more")
