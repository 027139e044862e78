"""Input rules, mirroring MLflow's limits so runs can be pushed to an MLflow server."""

from __future__ import annotations

import operator
import posixpath
import re
from typing import Any, Dict, Mapping

from .errors import MlwbError

MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000

# Same character class MLflow accepts (\w is Unicode-aware, as in MLflow).
_KEY_RE = re.compile(r"^[\w\-. /]+$")


def validate_key(kind: str, key: Any) -> str:
    if not isinstance(key, str):
        raise MlwbError(f"{kind} key must be a string, got {type(key).__name__}: {key!r}")
    if not key:
        raise MlwbError(f"{kind} key must not be empty")
    if len(key) > MAX_KEY_LENGTH:
        raise MlwbError(
            f"{kind} key {key[:40]!r}... is {len(key)} characters long; the limit is {MAX_KEY_LENGTH}"
        )
    if not _KEY_RE.match(key):
        raise MlwbError(
            f"invalid {kind} key {key!r}: only letters, digits, underscores (_), dashes (-), "
            "periods (.), spaces ( ) and slashes (/) are allowed"
        )
    # MLflow stores keys as file paths in some backends, so two spellings of one path
    # ("a//b" and "a/b") would collide there.
    if posixpath.normpath(key) != key:
        raise MlwbError(
            f"invalid {kind} key {key!r}: it would resolve to {posixpath.normpath(key)!r} "
            "when treated as a path"
        )
    return key


def _check_mapping(kind: str, values: Any) -> Mapping:
    if not isinstance(values, Mapping):
        raise MlwbError(f"{kind}s must be a mapping of key to value, got {type(values).__name__}")
    return values


def _string_value(kind: str, key: str, value: Any, limit: int) -> str:
    text = str(value)
    if len(text) > limit:
        raise MlwbError(
            f"{kind} {key!r}: value is {len(text)} characters long; the limit is {limit}"
        )
    return text


def new_params(params: Any, existing: Mapping[str, str]) -> Dict[str, str]:
    """Validates ``params`` against the run's params; returns only the keys not yet logged.

    Raises before anything is recorded, so a bad batch leaves the run unchanged.
    """
    fresh: Dict[str, str] = {}
    for key, value in _check_mapping("param", params).items():
        validate_key("param", key)
        text = _string_value("param", key, value, MAX_PARAM_VALUE_LENGTH)
        old = existing.get(key)
        if old is None:
            fresh[key] = text
        elif old != text:
            raise MlwbError(
                f"param {key!r} was already logged with value {old!r}; cannot change it to {text!r} "
                "(params are immutable within a run; use a metric or tag for changing values)"
            )
    return fresh


def tags(values: Any) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for key, value in _check_mapping("tag", values).items():
        validate_key("tag", key)
        out[key] = _string_value("tag", key, value, MAX_TAG_VALUE_LENGTH)
    return out


def metric_value(key: str, value: Any) -> float:
    # float("1.5") would succeed, but a string metric is almost always a bug.
    if isinstance(value, (str, bytes, bytearray)):
        raise MlwbError(f"metric {key!r}: value must be a number, got {type(value).__name__} {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise MlwbError(
            f"metric {key!r}: value must be a number, got {type(value).__name__} {value!r} ({exc})"
        ) from None


def step(value: Any) -> int:
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise MlwbError(f"step must be an integer, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise MlwbError(f"step must be an integer, got {type(value).__name__} {value!r}") from None


STATUSES = ("finished", "failed", "killed")


def end_status(status: Any) -> str:
    if status not in STATUSES:
        raise MlwbError(f"invalid run status {status!r}; expected one of {', '.join(STATUSES)}")
    return status
