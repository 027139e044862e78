"""``run.log_model``: puts a model in the run's artifacts as ONNX and asks the registry to take it.

The client stays standard-library only: converters (skl2onnx for scikit-learn, torch.onnx for
PyTorch) are imported only when such a model is given. Validation needs onnxruntime, which the
client does not have, so registering is a request file in ``.mlwb/models/.requests/`` that the
workbench (the VS Code backend, or any ``mlwb models`` command) validates and registers; the
format is in docs/registry-log.md.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Optional

from .errors import MlwbError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]{0,63}$")

# numpy dtype names -> Open Inference Protocol datatypes.
_DTYPES = {
    "bool": "BOOL", "uint8": "UINT8", "uint16": "UINT16", "uint32": "UINT32", "uint64": "UINT64",
    "int8": "INT8", "int16": "INT16", "int32": "INT32", "int64": "INT64",
    "float16": "FP16", "float32": "FP32", "float64": "FP64",
}


def _tensor(name: Optional[str], value: Any) -> Dict[str, Any]:
    """One OIP request tensor from a numpy array (duck-typed), a torch tensor or nested lists."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor
        value = value.detach().cpu().numpy()
    if hasattr(value, "dtype") and hasattr(value, "shape") and hasattr(value, "tolist"):
        kind = str(value.dtype)
        datatype = _DTYPES.get(kind, "BYTES" if kind.startswith(("<U", "|S", "object")) else None)
        if datatype is None:
            raise MlwbError(f"sample_input dtype {kind} has no Open Inference Protocol datatype")
        data = value.reshape(-1).tolist()
        if datatype == "BYTES":
            data = [d.decode() if isinstance(d, bytes) else str(d) for d in data]
        out = {"shape": [int(d) for d in value.shape], "datatype": datatype, "data": data}
    elif isinstance(value, (list, tuple)):
        shape, flat = _shape_of(value)
        out = {"shape": shape, "data": flat}
    else:
        raise MlwbError(f"sample_input must be an array, a list or a dict of them, got {type(value).__name__}")
    if name is not None:
        out["name"] = name
    return out


def _shape_of(value: Any):
    shape = []
    level = value
    while isinstance(level, (list, tuple)):
        shape.append(len(level))
        level = level[0] if level else None
    flat = []

    def walk(v):
        if isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
        else:
            flat.append(v)

    walk(value)
    return shape, flat


def sample_request(sample_input: Any) -> Dict[str, Any]:
    """An OIP request body; a single unnamed tensor is matched to the model's only input."""
    if isinstance(sample_input, dict):
        return {"inputs": [_tensor(str(k), v) for k, v in sample_input.items()]}
    return {"inputs": [_tensor(None, sample_input)]}


def _is_sklearn(model: Any) -> bool:
    return any(c.__module__.startswith("sklearn.") for c in type(model).__mro__) and hasattr(model, "fit")


def _is_torch(model: Any) -> bool:
    return any(c.__module__.startswith("torch.nn") for c in type(model).__mro__)


def _convert_sklearn(model: Any, sample_input: Any, dest: Path) -> None:
    try:
        from skl2onnx import to_onnx  # noqa: PLC0415 - imported only for scikit-learn models
    except ImportError:
        raise MlwbError(
            "log_model needs skl2onnx to convert a scikit-learn model to ONNX: pip install skl2onnx onnx"
        ) from None
    if sample_input is None or isinstance(sample_input, dict):
        raise MlwbError("log_model needs sample_input (one array of a few rows) to convert a scikit-learn model")
    # Classifiers get plain tensor outputs (no ZipMap), which the Open Inference Protocol can carry.
    options = {id(model): {"zipmap": False}} if hasattr(model, "predict_proba") else None
    try:
        onx = to_onnx(model, sample_input[:1], options=options)
    except (TypeError, RuntimeError, NameError):
        onx = to_onnx(model, sample_input[:1])
    dest.write_bytes(onx.SerializeToString())


def _convert_torch(model: Any, sample_input: Any, dest: Path) -> Dict[str, Any]:
    try:
        import torch  # noqa: PLC0415 - imported only for PyTorch models
    except ImportError:
        raise MlwbError("log_model needs torch to export a PyTorch module to ONNX") from None
    if sample_input is None:
        raise MlwbError("log_model needs sample_input (an example input tensor) to export a PyTorch module")
    was_training = model.training
    model.eval()
    try:
        torch.onnx.export(
            model, (sample_input,), str(dest), input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
        )
    finally:
        model.train(was_training)
    return {"input": sample_input}


def log_model(run, model: Any, name: str, sample_input: Any = None, register: bool = True,
              alias: Optional[str] = None, wait: float = 0.0) -> Dict[str, Any]:
    """Logs ``model`` (a path to an .onnx file or to a folder holding one with its external data,
    a scikit-learn estimator, or a PyTorch module) as ONNX under ``models/<name>/`` in the run's
    artifacts, with its sample input, and (``register=True``) asks the registry to validate and
    register it as the next version of ``name``.

    Returns ``{"name", "artifact", "request"}``; with ``wait`` > 0 it waits up to that many seconds
    for a running workbench to register it and adds ``"version"`` (or ``"error"``) when it did.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise MlwbError(f"model name {name!r}: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if alias is not None and not _ALIAS.match(alias):
        raise MlwbError(f"alias {alias!r}: use letters, digits, '.', '_' or '-', starting with a letter or '_'")
    base = f"models/{name}"
    with tempfile.TemporaryDirectory(prefix="mlwb-model-") as tmp:
        if isinstance(model, (str, os.PathLike)):
            source = Path(os.fspath(model)).expanduser()
            if source.is_dir():
                onnx_files = sorted(p.name for p in source.iterdir() if p.suffix == ".onnx")
                if len(onnx_files) != 1:
                    raise MlwbError(f"{source} must hold exactly one .onnx file (it holds {len(onnx_files)})")
                run.log_artifact(source, base)
                artifact = f"{base}/{source.name}/{onnx_files[0]}"
            elif source.is_file():
                run.log_artifact(source, base)
                artifact = f"{base}/{source.name}"
            else:
                raise MlwbError(f"model file {str(source)!r} does not exist")
        elif _is_sklearn(model):
            dest = Path(tmp) / "model.onnx"
            _convert_sklearn(model, sample_input, dest)
            run.log_artifact(dest, base)
            artifact = f"{base}/model.onnx"
        elif _is_torch(model):
            dest = Path(tmp) / "model.onnx"
            sample_input = _convert_torch(model, sample_input, dest)["input"]
            run.log_artifact(dest, base)
            artifact = f"{base}/model.onnx"
        else:
            kind = type(model).__name__
            raise MlwbError(f"log_model takes a path to an .onnx file, a scikit-learn estimator or a PyTorch module, not {kind}")
    sample_artifact = None
    if sample_input is not None:
        sample_artifact = run.log_text(json.dumps(sample_request(sample_input)), f"{base}/sample_input.json")
    result: Dict[str, Any] = {"name": name, "artifact": artifact, "request": None}
    if not register:
        return result
    run.flush()
    requests = run.dir.parent.parent / "models" / ".requests"
    requests.mkdir(parents=True, exist_ok=True)
    request_id = f"{run.id}-{secrets.token_hex(4)}"
    body = {"v": 1, "name": name, "run_id": run.id, "artifact": artifact, "sample_input": sample_artifact, "alias": alias}
    tmp_path = requests / f".{request_id}.tmp"
    tmp_path.write_text(json.dumps(body), encoding="utf-8")
    os.replace(tmp_path, requests / f"{request_id}.json")  # a reader never sees half a request
    result["request"] = request_id
    if wait > 0:
        done = requests / f"{request_id}.result.json"
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not done.exists():
            time.sleep(0.05)
        if done.exists():
            outcome = json.loads(done.read_text(encoding="utf-8"))
            result.update({k: outcome[k] for k in ("version", "error", "duplicate") if k in outcome})
    return result
