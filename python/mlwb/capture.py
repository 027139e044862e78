"""Tees sys.stdout / sys.stderr into the run's output.log while still printing."""

from __future__ import annotations

import sys
from typing import Callable, List, Optional


class Tee:
    # Attribute names are prefixed so __getattr__ forwarding cannot shadow the wrapped stream's.
    def __init__(self, stream, sink: Callable[[str], None]) -> None:
        self._mlwb_stream = stream
        self._mlwb_sink = sink
        self._mlwb_active = True

    def write(self, text):
        if self._mlwb_active and isinstance(text, str):
            self._mlwb_sink(text)
        return self._mlwb_stream.write(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._mlwb_stream.flush()

    def __getattr__(self, name):
        return getattr(self._mlwb_stream, name)


class OutputCapture:
    def __init__(self, sink: Callable[[str], None]) -> None:
        self._sink = sink
        self._tees: List[tuple] = []

    def start(self) -> None:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is None:  # pythonw and some embedders have no console streams
                continue
            tee = Tee(stream, self._sink)
            setattr(sys, name, tee)
            self._tees.append((name, tee))

    def stop(self) -> None:
        for name, tee in self._tees:
            tee._mlwb_active = False
            # If someone wrapped our tee meanwhile, leave their wrapper in place;
            # the deactivated tee just passes writes through.
            if getattr(sys, name) is tee:
                setattr(sys, name, tee._mlwb_stream)
        self._tees = []

    def detach(self) -> None:
        """Stops teeing without touching sys (used in a forked child)."""
        for _, tee in self._tees:
            tee._mlwb_active = False


def maybe_start(sink: Optional[Callable[[str], None]]) -> Optional[OutputCapture]:
    if sink is None:
        return None
    capture = OutputCapture(sink)
    capture.start()
    return capture
