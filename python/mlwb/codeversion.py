"""Keeps the code of every run, content-addressed under ``<.mlwb>/objects/``.

An object is named by the SHA-256 of its bytes and stored at
``objects/<first 2 hex>/<remaining 62 hex>`` (the layout data snapshots use), written
to ``objects/tmp/`` first and renamed into place, so readers never see half an
object and identical code is stored once however many runs share it.

The result goes into the run_start context as ``context["code"]`` (docs/notebooks.md):

    {"kind": "script" | "notebook" | "interactive", "path": str | None, "object": sha | None,
     "size": int | None, "cell": {...} | None, "error": str (only on failure)}
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any, Dict, Optional

from . import notebook

OBJECTS_DIRNAME = "objects"
# A notebook with large outputs can be big; past this we keep only the cell.
MAX_CODE_BYTES = 64 * 1024 * 1024
MAX_PARSE_BYTES = 16 * 1024 * 1024


def capture_enabled() -> bool:
    return os.environ.get("MLWB_CAPTURE_CODE", "1").strip().lower() not in ("0", "false", "no", "off")


def object_path(objects_dir: Path, sha: str) -> Path:
    return Path(objects_dir) / sha[:2] / sha[2:]


def put_bytes(objects_dir: Path, data: bytes) -> str:
    """Stores ``data`` and returns its SHA-256; an object already present is left alone."""
    sha = hashlib.sha256(data).hexdigest()
    dest = object_path(objects_dir, sha)
    if dest.exists():
        return sha
    tmp_dir = Path(objects_dir) / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"{os.getpid()}-{secrets.token_hex(6)}"
    try:
        with open(tmp, "xb") as f:
            f.write(data)
        os.replace(tmp, dest)  # atomic; a concurrent writer of the same object wrote equal bytes
    finally:
        if tmp.exists():
            tmp.unlink()
    return sha


def put_text(objects_dir: Path, text: str) -> str:
    return put_bytes(objects_dir, text.encode("utf-8"))


def _read_limited(path: Path) -> Optional[bytes]:
    if path.stat().st_size > MAX_CODE_BYTES:
        return None
    return path.read_bytes()


def _saved_cell_index(nb_bytes: bytes, normalized: str) -> Optional[int]:
    """Index of the cell in the saved notebook whose source equals the executed one.

    None when the saved file does not contain it: the notebook had unsaved edits
    when the cell ran (VS Code runs the editor's text, not the file's).
    """
    try:
        nb = json.loads(nb_bytes.decode("utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            if isinstance(src, str) and notebook.normalize_source(src) == normalized:
                return i
    except (ValueError, AttributeError, TypeError):
        pass
    return None


def cell_record(objects_dir: Path, cell: Dict[str, Any]) -> Dict[str, Any]:
    """Stores a cell's source; the record names it and says how to match it to an editor cell."""
    source = cell.get("source") or ""
    return {
        "object": put_text(objects_dir, source),
        "source_hash": notebook.source_hash(source),
        "id": cell.get("id"),
        "execution_count": cell.get("execution_count"),
    }


def capture(source: Optional[Dict[str, Any]], workspace: Path, cell: Optional[Dict[str, Any]] = None) -> Optional[Dict[str, Any]]:
    """Stores the run's code and returns ``context["code"]``, or None when there is none.

    ``source`` is ``context["source"]``; ``cell`` the executing notebook cell
    (from :func:`mlwb.notebook.current_cell`), if any.
    """
    kind = (source or {}).get("kind")
    path = (source or {}).get("path")
    if kind not in ("script", "notebook") and cell is None:
        return None
    objects_dir = Path(workspace) / OBJECTS_DIRNAME
    code: Dict[str, Any] = {"kind": kind or "interactive", "path": path, "object": None, "size": None, "cell": None}
    errors = []
    data = None
    if path:
        try:
            data = _read_limited(Path(path))
            if data is None:
                errors.append(f"{path} is larger than {MAX_CODE_BYTES} bytes; not stored")
            else:
                code["object"] = put_bytes(objects_dir, data)
                code["size"] = len(data)
        except OSError as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    if cell is not None:
        record = cell_record(objects_dir, cell)
        # Parsing a huge notebook at every run start is not worth knowing whether it was saved.
        if data is not None and code["kind"] == "notebook" and len(data) <= MAX_PARSE_BYTES:
            record["saved_index"] = _saved_cell_index(data, notebook.normalize_source(cell.get("source") or ""))
        code["cell"] = record
    if errors:
        code["error"] = "; ".join(errors)
    return code
