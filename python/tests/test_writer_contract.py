"""The writer's own contract, pinned where mutation testing (npm run mutate, mutmut) found it loose.

All on a fake clock, and with the flusher thread's sleeps recorded instead of slept, so nothing
here depends on how busy the machine is.
"""

import io
import tempfile
import threading
import unittest
from pathlib import Path
from unittest import mock

from mlwb import writer as writer_module
from mlwb.writer import Writer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


class WriterContractTest(unittest.TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)
        self.clock = FakeClock()
        fake_time = mock.Mock(wraps=writer_module.time, monotonic=self.clock.monotonic)
        patches = (
            mock.patch.object(writer_module, "_monotonic", self.clock.monotonic),
            mock.patch.object(writer_module, "time", fake_time),
        )
        for patch in patches:
            patch.start()
            self.addCleanup(patch.stop)

    def events_text(self) -> str:
        return (self.dir / "events.jsonl").read_bytes().decode("utf-8")

    def test_buffers_lines_until_the_interval_has_passed_then_writes_them_together(self):
        w = Writer(self.dir, capture_output=False, flush_interval=0.05)
        w.flush()  # deadline now 1000.05
        w.append("a\n")
        self.clock.now = 1000.0 + 0.049
        w.append("b\n")
        self.assertEqual(self.events_text(), "", "lines within the interval wait in the buffer")
        self.clock.now = 1000.0 + 0.05  # exactly the interval: due now, not one tick later
        w.append("c\n")
        self.assertEqual(self.events_text(), "a\nb\nc\n")
        self.clock.now += 0.01
        w.append("d\n")
        self.assertEqual(self.events_text(), "a\nb\nc\n", "the deadline moved on with the flush")
        w.close()
        self.assertEqual(self.events_text(), "a\nb\nc\nd\n", "close writes what is left")

    def test_writes_text_it_cannot_encode_as_escapes_instead_of_failing(self):
        w = Writer(self.dir, capture_output=False)
        w.append('{"s": "\ud800"}\n')  # a lone surrogate, as a broken str from C code can hold
        w.close()
        self.assertEqual(self.events_text(), '{"s": "\\ud800"}\n')

    def test_a_full_disk_warns_once_on_stderr_and_does_not_raise(self):
        class FullDisk(io.RawIOBase):
            def write(self, b):  # type: ignore[override]
                raise OSError(28, "No space left on device")

        w = Writer(self.dir, capture_output=False)
        w._events_file.close()
        w._events_file = FullDisk()  # type: ignore[assignment]
        err = io.StringIO()
        with mock.patch.object(writer_module, "sys", mock.Mock(__stderr__=err)):
            for _ in range(3):
                w.append("x\n")
                w.flush()
        self.assertEqual(err.getvalue().count("mlwb: cannot write the run's event log"), 1, err.getvalue())
        self.assertIn("No space left on device", err.getvalue())
        w.closed = True  # the fake file cannot be closed for real

    def test_the_flusher_thread_is_a_daemon_and_beats_once_per_heartbeat_interval(self):
        rounds = []
        done = threading.Event()
        clock = self.clock

        class FakeSleep:
            """Each wait "sleeps" 20 ms of fake time; stops after 15 rounds (0.3 s)."""

            def wait(self, timeout=None):
                clock.now += 0.02
                rounds.append(timeout)
                if len(rounds) >= 15:
                    done.set()
                    return True
                return False

            def set(self) -> None:
                done.set()

        before = set(threading.enumerate())
        w = Writer(self.dir, capture_output=False, flush_interval=0.02, heartbeat_interval=0.1)
        w._stop = FakeSleep()  # type: ignore[assignment]
        w.start()
        started = [t for t in threading.enumerate() if t not in before]
        self.assertTrue(done.wait(10))
        self.assertTrue(all(t.daemon for t in started), "a daemon thread: it never keeps a finished script alive")
        w.close()
        beats = self.events_text().count('"heartbeat"')
        # 14 checks, 20 ms of fake time apart (0.02 … 0.28 s), a beat due every 0.1 s counted from
        # the start: the 5th or 6th check and 5 checks later (float rounding decides which) — 2 beats,
        # not one at the start, not one per round.
        self.assertEqual(beats, 2, self.events_text())

    def test_abandon_drops_pending_lines_and_output_and_writes_nothing_more(self):
        for capture in (False, True):
            d = self.dir / f"c{capture}"
            d.mkdir()
            w = Writer(d, capture_output=capture)
            w.append("pending\n")
            if w.append_output is not None:
                w.append_output("out\n")
            w.abandon()
            self.assertTrue(w.closed)
            w.flush()
            w.close()
            self.assertEqual((d / "events.jsonl").read_bytes(), b"")
            if capture:
                self.assertEqual((d / "output.log").read_bytes(), b"")
                self.assertEqual(len(w._output or ()), 0)


if __name__ == "__main__":
    unittest.main()
