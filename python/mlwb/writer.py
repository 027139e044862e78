"""In-memory buffer for event lines and captured output, flushed by a daemon thread.

Logging calls append a preformatted string to a deque (an atomic operation, so no
lock on the hot path); the flusher thread drains it every FLUSH_INTERVAL seconds and
on close. A thread alone is no bound: a busy training loop holds the GIL, and the
flusher was measured waking up to ~500 ms late (bench/flushWindow.bench.mjs). So the
logging call itself also flushes once the oldest unflushed line is FLUSH_INTERVAL old,
which makes the interval a real bound on what a SIGKILL can lose while the program logs.
"""

from __future__ import annotations

import collections
import sys
import threading
import time
from pathlib import Path
from typing import Optional

from . import events

FLUSH_INTERVAL = 0.05
_monotonic = time.monotonic
HEARTBEAT_INTERVAL = 10.0


def _drain(queue: collections.deque, file) -> None:
    # Only the holder of the flush lock pops, so len() is a safe lower bound.
    count = len(queue)
    if not count:
        return
    popleft = queue.popleft
    data = "".join([popleft() for _ in range(count)])
    file.write(data.encode("utf-8", "backslashreplace"))
    file.flush()


class Writer:
    def __init__(
        self,
        run_dir: Path,
        capture_output: bool,
        flush_interval: float = FLUSH_INTERVAL,
        heartbeat_interval: float = HEARTBEAT_INTERVAL,
    ) -> None:
        self._events: collections.deque = collections.deque()
        # The run's metric calls use these two directly rather than append() (one Python call
        # less per point, about 3% of log_metric): push the line, then flush once the deadline
        # has passed.
        self.push = self._events.append
        # Monotonic time by which the lines appended so far must be written.
        self.deadline = time.monotonic() + flush_interval
        self._output: Optional[collections.deque] = collections.deque() if capture_output else None
        self.append_output = self._output.append if self._output is not None else None
        self._events_file = open(run_dir / "events.jsonl", "ab")
        self._output_file = open(run_dir / "output.log", "ab") if capture_output else None
        # Reentrant: a SIGTERM handler may end the run while the main thread is flushing.
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._flush_interval = flush_interval
        self._heartbeat_interval = heartbeat_interval
        self._thread: Optional[threading.Thread] = None
        self._warned = False
        self.closed = False

    def append(self, line: str) -> None:
        self.push(line)
        if _monotonic() >= self.deadline:
            self.flush()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="mlwb-flusher", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        next_heartbeat = time.monotonic() + self._heartbeat_interval
        while not self._stop.wait(self._flush_interval):
            if time.monotonic() >= next_heartbeat:
                self.append(events.heartbeat(events.now_ms()))
                next_heartbeat = time.monotonic() + self._heartbeat_interval
            self.flush()

    def flush(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.deadline = _monotonic() + self._flush_interval
            try:
                _drain(self._events, self._events_file)
                if self._output is not None:
                    _drain(self._output, self._output_file)
            except OSError as exc:
                # A full disk must not kill training; say so once and drop the batch.
                if not self._warned:
                    self._warned = True
                    stream = sys.__stderr__
                    if stream is not None:
                        stream.write(f"mlwb: cannot write the run's event log: {exc}\n")

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            # Bounded: if the flusher waits on a lock this thread holds, finish without it.
            thread.join(timeout=1.0)
        with self._lock:
            self.flush()
            self.closed = True
            for f in (self._events_file, self._output_file):
                if f is not None:
                    try:
                        f.close()
                    except OSError:
                        pass

    def abandon(self) -> None:
        """Used in a forked child: the parent owns the files and the pending lines."""
        self.closed = True
        self._events.clear()
        if self._output is not None:
            self._output.clear()
