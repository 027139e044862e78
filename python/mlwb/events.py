"""Formats event-log lines (format v1, see docs/event-log.md).

Every line must be strict JSON: NaN and infinities become the strings "NaN",
"Infinity" and "-Infinity" because bare NaN tokens break most JSON parsers.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any, Dict, Iterable, Optional, Tuple

FORMAT_VERSION = 1

_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def fmt_float(value: float) -> str:
    # x - x is 0.0 exactly for finite x and NaN for NaN/inf: one cheap test.
    if value - value == 0.0:
        return repr(value)
    if value != value:
        return '"NaN"'
    return '"Infinity"' if value > 0 else '"-Infinity"'


def sanitize(value: Any) -> Any:
    """Replaces non-finite floats, recursively, so json can encode strictly."""
    if isinstance(value, float):
        return value if math.isfinite(value) else json.loads(fmt_float(value))
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v) for v in value]
    return value


def dumps(obj: Dict[str, Any]) -> str:
    return _dumps(sanitize(obj)) + "\n"


def json_key(key: str) -> str:
    return _dumps(key)


def metric_prefix(key: str) -> str:
    """The constant middle of a metric line; cached per key by the run."""
    return f',"key":{json_key(key)},"value":'


def metric_line(ts: int, prefix: str, value: float, step: int) -> str:
    return f'{{"type":"metric","ts":{ts}{prefix}{fmt_float(value)},"step":{step}}}\n'


def metrics_line(ts: int, step: int, items: Iterable[Tuple[str, float]]) -> str:
    """``items`` are (json-encoded key, value) pairs."""
    body = ",".join([f"{k}:{fmt_float(v)}" for k, v in items])
    return f'{{"type":"metrics","ts":{ts},"step":{step},"values":{{{body}}}}}\n'


def run_start(
    ts: int,
    run_id: str,
    experiment: str,
    name: str,
    pid: int,
    host: str,
    params: Dict[str, str],
    tags: Dict[str, str],
    context: Dict[str, Any],
) -> str:
    return dumps(
        {
            "v": FORMAT_VERSION,
            "type": "run_start",
            "ts": ts,
            "run_id": run_id,
            "experiment": experiment,
            "name": name,
            "pid": pid,
            "host": host,
            "params": params,
            "tags": tags,
            "context": context,
        }
    )


def params(ts: int, values: Dict[str, str]) -> str:
    return dumps({"type": "params", "ts": ts, "params": values})


def tags(ts: int, values: Dict[str, str]) -> str:
    return dumps({"type": "tags", "ts": ts, "tags": values})


def artifact(ts: int, path: str, size: int) -> str:
    return dumps({"type": "artifact", "ts": ts, "path": path, "size": size})


def input_(ts: int, path: str) -> str:
    return dumps({"type": "input", "ts": ts, "path": path})


def heartbeat(ts: int) -> str:
    return f'{{"type":"heartbeat","ts":{ts}}}\n'


def run_end(ts: int, status: str, error: Optional[str] = None) -> str:
    obj: Dict[str, Any] = {"type": "run_end", "ts": ts, "status": status}
    if error is not None:
        obj["error"] = error
    return dumps(obj)
