"""Copies files into a run's artifacts folder without letting a path escape it."""

from __future__ import annotations

import contextlib
import ntpath
import os
import secrets
import posixpath
import shutil
from pathlib import Path
from typing import Iterator, Optional, Tuple

from .errors import MlwbError


def safe_subpath(artifact_path: Optional[str]) -> str:
    """Normalizes ``artifact_path`` to a relative posix path ('' for the root) or raises."""
    if artifact_path is None:
        return ""
    text = os.fspath(artifact_path)
    if not isinstance(text, str):
        raise MlwbError(f"artifact_path must be a string, got {type(artifact_path).__name__}")
    unified = text.replace("\\", "/")
    if unified.startswith("/") or ntpath.splitdrive(text)[0] or ntpath.isabs(text):
        raise MlwbError(f"artifact_path {text!r} must be relative to the run's artifacts folder")
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise MlwbError(f"artifact_path {text!r} must not contain '..': it would escape the artifacts folder")
    return posixpath.join(*parts) if parts else ""


def _files(source: Path, skip: Tuple[Path, ...]) -> Iterator[Tuple[Path, str]]:
    """(file, path relative to source's parent) for a file or every file under a folder."""
    if source.is_file():
        yield source, source.name
        return
    # Symlinked folders are not followed: they can loop or point at huge trees.
    for root, dirs, names in os.walk(source):
        # Logging a folder that holds the workspace must not copy runs (or the copy) into itself.
        dirs[:] = sorted(d for d in dirs if (Path(root) / d).resolve() not in skip)
        rel_root = Path(root).relative_to(source.parent).as_posix()
        for name in sorted(names):
            path = Path(root) / name
            if path.is_file():
                yield path, f"{rel_root}/{name}"


def safe_destination(artifacts_dir: Path, rel: str) -> Path:
    """The path for artifact ``rel``, with its folders created, refusing any that leads out.

    Folders are checked after resolving symbolic links: one planted in ``artifacts/`` must not
    redirect a write outside it.
    """
    root = artifacts_dir.resolve()
    dest = artifacts_dir / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    if os.path.commonpath([str(root), str(dest.parent.resolve())]) != str(root):
        raise MlwbError(f"artifact destination {rel!r} escapes the artifacts folder")
    return dest


def write_replacing(dest: Path, write) -> None:
    """Writes a new file at ``dest`` through a temp file and a rename.

    The rename replaces whatever ``dest`` was (a symbolic link included) instead of writing
    through it, so a link planted in the artifacts folder cannot redirect the content.
    """
    tmp = dest.parent / f".{dest.name}.mlwb-{os.getpid()}-{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def copy_into(
    artifacts_dir: Path, source_path, artifact_path: Optional[str], skip_dirs: Tuple[Path, ...] = ()
) -> Iterator[Tuple[str, int]]:
    """Copies a file or folder; yields (path relative to artifacts_dir, size) per file copied.

    Folders in ``skip_dirs`` (and artifacts_dir itself) are left out of folder copies.
    """
    source = Path(os.fspath(source_path)).expanduser()
    if not source.exists():
        raise MlwbError(f"artifact {str(source)!r} does not exist")
    if not (source.is_file() or source.is_dir()):
        raise MlwbError(f"artifact {str(source)!r} is neither a file nor a folder")
    sub = safe_subpath(artifact_path)
    root = artifacts_dir.resolve()
    skip = (root,) + tuple(Path(d).resolve() for d in skip_dirs)
    for path, rel in _files(source.absolute(), skip):
        rel = posixpath.join(sub, rel) if sub else rel
        dest = safe_destination(artifacts_dir, rel)

        def copy(out, src=path):
            with open(src, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)

        write_replacing(dest, copy)
        yield rel, dest.stat().st_size
