"""Process-wide state: the active run and the hooks that end it however the process ends.

- normal interpreter exit       -> finished (atexit)
- uncaught exception            -> failed, or killed for KeyboardInterrupt (sys.excepthook)
- SIGTERM                       -> killed, then the signal is re-raised so the process still dies
- fork                          -> the child forgets the parent's run (the parent owns its files)
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from typing import Any, Optional

from .errors import MlwbError

_active: Optional[Any] = None
_lock = threading.Lock()
_hooks_installed = False
_previous_excepthook = None


def describe(exc: BaseException) -> str:
    try:
        message = str(exc)
    except Exception:
        message = ""
    name = type(exc).__name__
    return f"{name}: {message}" if message else name


def active():
    return _active


def ensure_none_active() -> None:
    run = _active
    if run is not None:
        raise MlwbError(
            f"run {run.name!r} ({getattr(run, 'id', '?')}) is still active; end it with mlwb.end_run() "
            "or use `with mlwb.start_run(...)` before starting another (nested runs are not supported)"
        )


def activate(run) -> None:
    global _active
    with _lock:
        ensure_none_active()
        _active = run
        _install_process_hooks()


def install_signal_handlers(run) -> None:
    """Called once the run can be ended, i.e. its writer exists."""
    _install_sigterm(run)


def deactivate(run) -> None:
    global _active
    with _lock:
        if _active is run:
            _active = None
    _uninstall_sigterm(run)


def _install_process_hooks() -> None:
    global _hooks_installed, _previous_excepthook
    if _hooks_installed:
        return
    _hooks_installed = True
    atexit.register(_at_exit)
    _previous_excepthook = sys.excepthook
    sys.excepthook = _excepthook
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_in_child)


def _owned_active():
    run = _active
    if run is not None and run.pid == os.getpid():
        return run
    return None


def _at_exit() -> None:
    run = _owned_active()
    if run is not None:
        run._finish("finished")


def _excepthook(exc_type, exc, tb) -> None:
    try:
        previous = _previous_excepthook or sys.__excepthook__
        previous(exc_type, exc, tb)  # first, so the traceback also lands in output.log
    finally:
        run = _owned_active()
        # At an interactive prompt an exception does not end the program, so not the run either.
        if run is not None and not hasattr(sys, "ps1"):
            status = "killed" if issubclass(exc_type, KeyboardInterrupt) else "failed"
            run._finish(status, describe(exc) if exc is not None else exc_type.__name__)


def _after_fork_in_child() -> None:
    global _active, _lock
    _lock = threading.Lock()
    run = _active
    _active = None
    if run is not None:
        run._detach_after_fork()


# --- SIGTERM ---------------------------------------------------------------------------

_sigterm_previous = None
_sigterm_installed = False


def _on_sigterm(signum, frame) -> None:
    global _sigterm_installed
    previous = _sigterm_previous if _sigterm_previous is not None else signal.SIG_DFL
    signal.signal(signum, previous)
    _sigterm_installed = False
    run = _owned_active()
    if run is not None:
        run._finish("killed", "SIGTERM")
    if callable(previous):
        previous(signum, frame)
    else:
        os.kill(os.getpid(), signum)


def _install_sigterm(run) -> None:
    global _sigterm_previous, _sigterm_installed
    if not hasattr(signal, "SIGTERM") or threading.current_thread() is not threading.main_thread():
        return
    try:
        current = signal.getsignal(signal.SIGTERM)
        # Only take over the default: a framework's own handler knows better than we do.
        if current is not signal.SIG_DFL:
            return
        signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):
        return
    _sigterm_previous = current
    _sigterm_installed = True


def _uninstall_sigterm(run) -> None:
    global _sigterm_installed
    if not _sigterm_installed or threading.current_thread() is not threading.main_thread():
        return
    try:
        if signal.getsignal(signal.SIGTERM) is _on_sigterm:
            signal.signal(signal.SIGTERM, _sigterm_previous)
    except (ValueError, OSError):
        return
    _sigterm_installed = False
