import contextlib
import io
import math
import os
import sys
import time
from pathlib import Path

import mlwb
from mlwb import MlwbError
from mlwb.writer import Writer
from tests.support import WorkspaceTest, read_events, wait_for


class RunBasicsTest(WorkspaceTest):
    def test_lifecycle_and_layout(self):
        with mlwb.start_run(experiment="e", name="r", params={"lr": 0.1}, tags={"team": "a"}) as run:
            self.assertIs(mlwb.active_run(), run)
            self.assertRegex(run.id, r"^[0-9a-f]{20}$")
            self.assertEqual(run.name, "r")
            self.assertEqual(Path(run.dir), self.workspace / "runs" / run.id)
            run.log_metric("loss", 0.5)
        self.assertIsNone(mlwb.active_run())
        self.assertEqual(run.status, "finished")
        self.assertEqual(sorted(os.listdir(run.dir)), ["artifacts", "events.jsonl", "output.log"])
        evs = read_events(run.dir)
        start, end = evs[0], evs[-1]
        self.assertEqual(start["type"], "run_start")
        self.assertEqual(start["v"], 1)
        self.assertEqual(start["run_id"], run.id)
        self.assertEqual((start["experiment"], start["name"]), ("e", "r"))
        self.assertEqual(start["pid"], os.getpid())
        self.assertIsInstance(start["host"], str)
        self.assertEqual(start["params"], {"lr": "0.1"})
        self.assertEqual(start["tags"], {"team": "a"})
        ctx = start["context"]
        for key in ("python_version", "executable", "argv", "cwd", "source", "git", "packages"):
            self.assertIn(key, ctx)
        self.assertEqual(end, {"type": "run_end", "ts": end["ts"], "status": "finished"})
        for ev in evs:
            self.assertIsInstance(ev["ts"], int)
            self.assertLess(abs(ev["ts"] - time.time() * 1000), 60_000)

    def test_defaults(self):
        os.environ["MLWB_EXPERIMENT"] = "from-env"
        with mlwb.start_run() as run:
            pass
        start = read_events(run.dir)[0]
        self.assertEqual(start["experiment"], "from-env")
        self.assertRegex(start["name"], r"^run-\d{8}-\d{6}$")
        del os.environ["MLWB_EXPERIMENT"]
        with mlwb.start_run() as run:
            pass
        self.assertEqual(read_events(run.dir)[0]["experiment"], "Default")

    def test_client_never_creates_the_store(self):
        with mlwb.start_run() as run:
            run.log_metric("m", 1)
        self.assertFalse((self.workspace / "store.db").exists())
        # runs/ and the content-addressed code objects; nothing else.
        self.assertLessEqual(set(os.listdir(self.workspace)), {"runs", "objects"})

    def test_start_while_active_is_an_error(self):
        run = mlwb.start_run(name="first")
        with self.assertRaisesRegex(MlwbError, "'first'.*still active"):
            mlwb.start_run(name="second")
        self.assertEqual(len(os.listdir(self.workspace / "runs")), 1)
        mlwb.end_run()
        self.assertEqual(run.status, "finished")
        with mlwb.start_run(name="third"):
            pass

    def test_logging_after_end_is_an_error_and_end_is_idempotent(self):
        run = mlwb.start_run()
        run.end()
        run.end("failed")
        self.assertEqual(run.status, "finished")
        for call in (lambda: run.log_metric("m", 1), lambda: run.log_param("p", 1), lambda: run.set_tag("t", 1)):
            with self.assertRaisesRegex(MlwbError, "has ended"):
                call()
        self.assertEqual([e["type"] for e in read_events(run.dir)].count("run_end"), 1)

    def test_end_with_status(self):
        run = mlwb.start_run()
        with self.assertRaises(MlwbError):
            run.end("bogus")
        mlwb.end_run(status="killed")
        self.assertEqual(read_events(run.dir)[-1]["status"], "killed")

    def test_invalid_start_arguments_leave_no_run(self):
        with self.assertRaises(MlwbError):
            mlwb.start_run(params={"bad key!": 1})
        with self.assertRaises(MlwbError):
            mlwb.start_run(experiment="")
        self.assertIsNone(mlwb.active_run())
        self.assertFalse((self.workspace / "runs").exists() and os.listdir(self.workspace / "runs"))


class MetricsTest(WorkspaceTest):
    def metrics(self, run):
        return [e for e in read_events(run.dir) if e["type"] in ("metric", "metrics")]

    def test_default_steps_count_points_per_key(self):
        with mlwb.start_run() as run:
            run.log_metric("a", 1)
            run.log_metric("a", 2)
            run.log_metric("b", 3)
            run.log_metric("a", 4, step=100)
            run.log_metric("a", 5)
        got = [(e["key"], e["value"], e["step"]) for e in self.metrics(run)]
        self.assertEqual(got, [("a", 1.0, 0), ("a", 2.0, 1), ("b", 3.0, 0), ("a", 4.0, 100), ("a", 5.0, 3)])

    def test_log_metrics_default_step_is_the_max_counter(self):
        with mlwb.start_run() as run:
            run.log_metric("a", 1)
            run.log_metric("a", 1)
            run.log_metrics({"a": 0.5, "b": 2})
            run.log_metrics({"b": 1}, step=7)
            run.log_metric("b", 9)
            run.log_metrics({})
        evs = self.metrics(run)
        self.assertEqual(evs[2], {"type": "metrics", "ts": evs[2]["ts"], "step": 2, "values": {"a": 0.5, "b": 2.0}})
        self.assertEqual(evs[3]["step"], 7)
        self.assertEqual((evs[4]["key"], evs[4]["step"]), ("b", 2))
        self.assertEqual(len(evs), 5)

    def test_one_key_log_metrics_counts_steps_and_encodes_like_many_keys(self):
        # log_metrics has a one-key fast path; it must give what the general path gives.
        with mlwb.start_run() as run:
            run.log_metrics({"a": 0.5})
            run.log_metrics({"a": 2})
            run.log_metrics({"a": math.nan})
            run.log_metrics({"a": -math.inf}, step=9.0)
            run.log_metrics({"a": 1.5})
            with self.assertRaises(mlwb.MlwbError):
                run.log_metrics({"a": "x"})
        got = [(e["type"], e["values"], e["step"]) for e in self.metrics(run)]
        self.assertEqual(
            got,
            [
                ("metrics", {"a": 0.5}, 0),
                ("metrics", {"a": 2.0}, 1),
                ("metrics", {"a": "NaN"}, 2),
                ("metrics", {"a": "-Infinity"}, 9),
                ("metrics", {"a": 1.5}, 4),
            ],
        )

    def test_one_key_log_metrics_follows_a_changing_key(self):
        # The one-key path looks a dict up by the previous call's key: a new key, a bad key, a
        # dict subclass that answers any key, and a key shared with log_metric must all still
        # land on the right series with the right step.
        import collections

        with mlwb.start_run() as run:
            run.log_metrics({"a": 1.0})
            run.log_metrics({"b": 2.0})
            run.log_metrics({"a": 3.0})
            with self.assertRaisesRegex(MlwbError, "only letters"):
                run.log_metrics({"bad key!": 1.0})
            with self.assertRaisesRegex(MlwbError, "must be a string"):
                run.log_metrics({1: 1.0})
            run.log_metrics({"a": 4.0})
            run.log_metrics(collections.defaultdict(float, {"b": 5.0}))
            run.log_metric("a", 6.0)
            run.log_metrics({"a": 7.0}, step=50)
            run.log_metrics({"a": 8.0})
        got = [(next(iter(e["values"])), e["values"][next(iter(e["values"]))], e["step"]) if "values" in e
               else (e["key"], e["value"], e["step"]) for e in self.metrics(run)]
        self.assertEqual(
            got,
            [("a", 1.0, 0), ("b", 2.0, 0), ("a", 3.0, 1), ("a", 4.0, 2), ("b", 5.0, 1), ("a", 6.0, 3),
             ("a", 7.0, 50), ("a", 8.0, 5)],
        )

    def test_non_finite_values_round_trip(self):
        with mlwb.start_run() as run:
            for v in (math.nan, math.inf, -math.inf, 1e308, -0.0):
                run.log_metric("x", v)
            run.log_metrics({"n": math.nan, "i": math.inf, "j": -math.inf})
        evs = self.metrics(run)
        self.assertEqual([e["value"] for e in evs[:5]], ["NaN", "Infinity", "-Infinity", 1e308, -0.0])
        self.assertEqual(evs[5]["values"], {"n": "NaN", "i": "Infinity", "j": "-Infinity"})

    def test_numeric_types(self):
        class Scalar:
            def __float__(self):
                return 0.75

        class FloatSub(float):
            def __repr__(self):
                return "FloatSub()"

        with mlwb.start_run() as run:
            run.log_metric("m", 3)
            run.log_metric("m", True)
            run.log_metric("m", Scalar())
            run.log_metric("m", FloatSub(1.25))
            run.log_metric("m", 1.0, step=4.0)
        self.assertEqual([e["value"] for e in self.metrics(run)], [3.0, 1.0, 0.75, 1.25, 1.0])

    def test_bad_metrics_raise_and_write_nothing(self):
        with mlwb.start_run() as run:
            with self.assertRaisesRegex(MlwbError, "'loss'.*number"):
                run.log_metric("loss", "0.5")
            with self.assertRaisesRegex(MlwbError, "only letters"):
                run.log_metric("bad key!", 1)
            with self.assertRaisesRegex(MlwbError, "must be a string"):
                run.log_metric(["x"], 1)
            with self.assertRaisesRegex(MlwbError, "step"):
                run.log_metric("loss", 1, step="3")
            with self.assertRaisesRegex(MlwbError, "'b'"):
                run.log_metrics({"a": 1, "b": None})
            run.log_metric("loss", 1)
            run.log_metric("a", 1)
        got = [(e.get("key"), e["step"]) for e in self.metrics(run)]
        self.assertEqual(got, [("loss", 0), ("a", 0)])

    def test_flusher_writes_within_100ms(self):
        run = mlwb.start_run()
        for i in range(3):
            t0 = time.monotonic()
            run.log_metric("poll", i)
            ok = wait_for(lambda: any(e.get("key") == "poll" and e["value"] == i for e in read_events(run.dir)),
                          timeout=5, interval=0.005)
            self.assertTrue(ok)
            # Wall-clock liveness only (a loaded machine adds scheduling delay); the 100 ms promise
            # itself is checked exactly, on a fake clock, in test_flush_bound.py.
            self.assertLess(time.monotonic() - t0, 1.0)
        run.end()


class ParamsTagsTest(WorkspaceTest):
    def test_params(self):
        with mlwb.start_run(params={"a": 1}) as run:
            run.log_param("b", 2)
            run.log_params({"a": 1, "c": "x"})
            run.log_params({"a": "1"})
            with self.assertRaises(MlwbError) as cm:
                run.log_params({"d": 4, "a": 2})
            self.assertIn("'a'", str(cm.exception))
            self.assertIn("'1'", str(cm.exception))
            self.assertIn("'2'", str(cm.exception))
            self.assertEqual(run.params, {"a": "1", "b": "2", "c": "x"})
        evs = [e for e in read_events(run.dir) if e["type"] == "params"]
        self.assertEqual([e["params"] for e in evs], [{"b": "2"}, {"c": "x"}])

    def test_tags_can_change(self):
        with mlwb.start_run() as run:
            run.set_tag("stage", "a")
            run.set_tags({"stage": "b", "k": 3})
            with self.assertRaisesRegex(MlwbError, "8000"):
                run.set_tag("big", "x" * 8001)
        evs = [e["tags"] for e in read_events(run.dir) if e["type"] == "tags"]
        self.assertEqual(evs, [{"stage": "a"}, {"stage": "b", "k": "3"}])
        self.assertEqual(run.tags, {"stage": "b", "k": "3"})


class ModuleLevelTest(WorkspaceTest):
    def test_twins_act_on_the_active_run(self):
        src = self.tmp / "model.txt"
        src.write_text("weights")
        mlwb.start_run(name="fluent")
        mlwb.log_metric("m", 1.5, step=2)
        mlwb.log_metrics({"a": 1, "b": 2})
        mlwb.log_param("p", 1)
        mlwb.log_params({"q": 2})
        mlwb.set_tag("t", "x")
        mlwb.set_tags({"u": "y"})
        self.assertEqual(mlwb.log_artifact(src), ["model.txt"])
        mlwb.log_input(src)
        mlwb.log_text("hello", "notes/readme.txt")
        run = mlwb.active_run()
        mlwb.end_run(status="failed")
        types = [e["type"] for e in read_events(run.dir)]
        self.assertEqual(
            types,
            ["run_start", "metric", "metrics", "params", "params", "tags", "tags", "artifact", "input", "artifact",
             "run_end"],
        )
        self.assertEqual(read_events(run.dir)[-1]["status"], "failed")

    def test_twins_without_active_run_start_one(self):
        mlwb.end_run()  # no-op without a run
        self.assertIsNone(mlwb.active_run())
        mlwb.log_metric("m", 1)
        run = mlwb.active_run()
        self.assertIsNotNone(run)
        mlwb.set_tag("a", "b")
        self.assertIs(mlwb.active_run(), run, "later calls reuse the run they started")
        mlwb.end_run()
        events = read_events(run.dir)
        self.assertEqual([e["type"] for e in events], ["run_start", "metric", "tags", "run_end"])


class ContextManagerTest(WorkspaceTest):
    def test_exception_marks_failed_and_propagates(self):
        with self.assertRaisesRegex(ValueError, "boom"):
            with mlwb.start_run() as run:
                run.log_metric("m", 1)
                raise ValueError("boom")
        end = read_events(run.dir)[-1]
        self.assertEqual((end["status"], end["error"]), ("failed", "ValueError: boom"))
        self.assertIsNone(mlwb.active_run())

    def test_keyboard_interrupt_marks_killed(self):
        with self.assertRaises(KeyboardInterrupt):
            with mlwb.start_run() as run:
                raise KeyboardInterrupt
        self.assertEqual(read_events(run.dir)[-1]["status"], "killed")

    def test_sys_exit_zero_is_finished(self):
        with self.assertRaises(SystemExit):
            with mlwb.start_run() as run:
                sys.exit(0)
        self.assertEqual(read_events(run.dir)[-1]["status"], "finished")
        with self.assertRaises(SystemExit):
            with mlwb.start_run() as run:
                sys.exit(3)
        self.assertEqual(read_events(run.dir)[-1], {"type": "run_end", "ts": read_events(run.dir)[-1]["ts"],
                                                     "status": "failed", "error": "SystemExit: 3"})

    def test_ended_inside_block_is_kept(self):
        with mlwb.start_run() as run:
            run.end("killed")
        self.assertEqual([e["status"] for e in read_events(run.dir) if e["type"] == "run_end"], ["killed"])


class ArtifactTest(WorkspaceTest):
    def test_file_and_folder(self):
        f = self.tmp / "model.bin"
        f.write_bytes(b"12345")
        d = self.tmp / "plots"
        (d / "sub").mkdir(parents=True)
        (d / "a.png").write_bytes(b"a")
        (d / "sub" / "b.csv").write_bytes(b"bb")
        with mlwb.start_run() as run:
            self.assertEqual(run.log_artifact(f), ["model.bin"])
            self.assertEqual(run.log_artifact(str(f), "models/v1"), ["models/v1/model.bin"])
            self.assertEqual(run.log_artifact(d, "./out/"), ["out/plots/a.png", "out/plots/sub/b.csv"])
        art = Path(run.dir) / "artifacts"
        self.assertEqual((art / "model.bin").read_bytes(), b"12345")
        self.assertEqual((art / "models" / "v1" / "model.bin").read_bytes(), b"12345")
        self.assertEqual((art / "out" / "plots" / "sub" / "b.csv").read_bytes(), b"bb")
        evs = [(e["path"], e["size"]) for e in read_events(run.dir) if e["type"] == "artifact"]
        self.assertEqual(evs, [("model.bin", 5), ("models/v1/model.bin", 5), ("out/plots/a.png", 1),
                               ("out/plots/sub/b.csv", 2)])

    def test_escaping_paths_are_rejected(self):
        f = self.tmp / "x.txt"
        f.write_text("x")
        with mlwb.start_run() as run:
            for bad in ("..", "../x", "a/../../b", "a/..", "/abs", "/", "C:\\win", "C:rel", "\\\\server\\share", "..\\x"):
                with self.assertRaises(MlwbError, msg=bad):
                    run.log_artifact(f, bad)
            with self.assertRaisesRegex(MlwbError, "does not exist"):
                run.log_artifact(self.tmp / "missing.txt")
        self.assertEqual(os.listdir(Path(run.dir) / "artifacts"), [])
        self.assertFalse((self.tmp / "x.txt.copy").exists())
        self.assertEqual([e for e in read_events(run.dir) if e["type"] == "artifact"], [])

    def test_logging_a_folder_that_contains_the_workspace(self):
        (self.tmp / "data.txt").write_text("d")
        with mlwb.start_run() as run:
            copied = run.log_artifact(self.tmp)
        # The workspace (self.tmp/.mlwb) is left out, so neither other runs nor the copy itself recurse.
        self.assertEqual(copied, [f"{self.tmp.name}/data.txt"])

    def test_inputs_are_absolute(self):
        os.chdir(self.tmp)
        with mlwb.start_run() as run:
            run.log_input("data/train.csv")
            run.log_input(Path("/abs/x"))
            run.log_input("s3://bucket/key")
        paths = [e["path"] for e in read_events(run.dir) if e["type"] == "input"]
        self.assertEqual(paths, [str(self.tmp / "data" / "train.csv"), "/abs/x", "s3://bucket/key"])


class OutputCaptureTest(WorkspaceTest):
    def test_prints_are_teed(self):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            with mlwb.start_run() as run:
                self.assertIsNot(sys.stdout, out)
                print("hello stdout")
                print("héllo stderr", file=sys.stderr)
                sys.stdout.writelines(["a\n", "b\n"])
            self.assertIs(sys.stdout, out)
            self.assertIs(sys.stderr, err)
            print("after the run")
        self.assertEqual(out.getvalue(), "hello stdout\na\nb\nafter the run\n")
        self.assertEqual(err.getvalue(), "héllo stderr\n")
        log = (Path(run.dir) / "output.log").read_text(encoding="utf-8")
        self.assertEqual(log, "hello stdout\nhéllo stderr\na\nb\n")

    def test_traceback_of_a_failing_block_is_kept(self):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            with self.assertRaises(RuntimeError):
                with mlwb.start_run() as run:
                    raise RuntimeError("kaput")
        log = (Path(run.dir) / "output.log").read_text(encoding="utf-8")
        self.assertIn("Traceback", log)
        self.assertIn("RuntimeError: kaput", log)

    def test_capture_can_be_disabled(self):
        os.environ["MLWB_CAPTURE_OUTPUT"] = "0"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            with mlwb.start_run() as run:
                self.assertIs(sys.stdout, out)
                print("x")
        self.assertFalse((Path(run.dir) / "output.log").exists())

    def test_stream_attributes_are_forwarded(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            with mlwb.start_run():
                self.assertFalse(sys.stdout.isatty())
                self.assertEqual(sys.stdout.getvalue(), "")


class WriterTest(WorkspaceTest):
    def test_heartbeats(self):
        d = self.tmp / "run"
        d.mkdir()
        w = Writer(d, capture_output=False, flush_interval=0.01, heartbeat_interval=0.05)
        w.start()
        try:
            beats = wait_for(lambda: [e for e in read_events(d) if e["type"] == "heartbeat"], timeout=5)
            self.assertTrue(beats)
            self.assertEqual(set(beats[0]), {"type", "ts"})
        finally:
            w.close()
        self.assertTrue(w.closed)


if __name__ == "__main__":
    import unittest

    unittest.main()
