"""Issue 13 fault suite, Python side: nothing planted in a run folder redirects the client's writes."""

import os

import mlwb
from mlwb import MlwbError
from mlwb.writer import Writer
from tests.support import WorkspaceTest, read_events


class ArtifactSymlinkTest(WorkspaceTest):
    def setUp(self):
        super().setUp()
        self.victim = self.tmp / "victim.txt"
        self.victim.write_text("original")
        self.victim_dir = self.tmp / "victim_dir"
        self.victim_dir.mkdir()

    def test_log_text_replaces_a_planted_symlink_instead_of_writing_through_it(self):
        with mlwb.start_run(name="r") as run:
            os.symlink(self.victim, os.path.join(run.dir, "artifacts", "notes.txt"))
            run.log_text("new text", "notes.txt")
            artifact = os.path.join(run.dir, "artifacts", "notes.txt")
            self.assertFalse(os.path.islink(artifact))
            with open(artifact, encoding="utf-8") as f:
                self.assertEqual(f.read(), "new text")
        self.assertEqual(self.victim.read_text(), "original")

    def test_log_text_refuses_a_symlinked_folder_that_leads_out(self):
        with mlwb.start_run(name="r") as run:
            os.symlink(self.victim_dir, os.path.join(run.dir, "artifacts", "sub"))
            with self.assertRaises(MlwbError):
                run.log_text("x", "sub/notes.txt")
        self.assertEqual(os.listdir(self.victim_dir), [])

    def test_log_artifact_replaces_a_planted_symlink(self):
        src = self.tmp / "model.txt"
        src.write_text("weights")
        with mlwb.start_run(name="r") as run:
            os.symlink(self.victim, os.path.join(run.dir, "artifacts", "model.txt"))
            run.log_artifact(src)
        self.assertEqual(self.victim.read_text(), "original")
        self.assertEqual([e["path"] for e in read_events(run.dir) if e["type"] == "artifact"], ["model.txt"])


class FlushBoundTest(WorkspaceTest):
    """The logging call itself flushes once the oldest line is flush_interval old (no timing here:
    the flusher thread is never started, so only the logging call can have written)."""

    def _writer(self, interval):
        run_dir = self.tmp / "run"
        run_dir.mkdir()
        return run_dir, Writer(run_dir, capture_output=False, flush_interval=interval)

    def test_a_due_line_is_written_by_the_logging_call(self):
        run_dir, w = self._writer(0.0)
        try:
            w.append('{"type":"heartbeat","ts":1}\n')
            self.assertEqual((run_dir / "events.jsonl").read_text(), '{"type":"heartbeat","ts":1}\n')
        finally:
            w.close()

    def test_lines_wait_for_the_interval(self):
        run_dir, w = self._writer(3600.0)
        try:
            w.append('{"type":"heartbeat","ts":1}\n')
            self.assertEqual((run_dir / "events.jsonl").read_text(), "")
        finally:
            w.close()
        self.assertEqual((run_dir / "events.jsonl").read_text(), '{"type":"heartbeat","ts":1}\n')
