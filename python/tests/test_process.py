"""How runs end when the process ends: exit, crash, signals, os._exit, fork."""

import os
import shutil
import signal
import subprocess
import sys
import time
import unittest
from pathlib import Path

from tests.support import TempDirTest, read_events, run_dirs, run_script, script_env, write_script

POSIX = os.name == "posix"


class ProcessEndTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.workspace = self.tmp / ".mlwb"

    def only_events(self):
        dirs = run_dirs(self.workspace)
        self.assertEqual(len(dirs), 1, dirs)
        return read_events(dirs[0])

    def test_normal_exit_with_active_run_is_finished(self):
        proc = run_script(self.tmp, """
            import mlwb
            run = mlwb.start_run(name="no-with")
            for i in range(500):
                mlwb.log_metric("loss", i / 10)
            print("done")
        """, self.workspace)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        evs = self.only_events()
        self.assertEqual(len([e for e in evs if e["type"] == "metric"]), 500)
        self.assertEqual(evs[-1], {"type": "run_end", "ts": evs[-1]["ts"], "status": "finished"})
        self.assertEqual((Path(run_dirs(self.workspace)[0]) / "output.log").read_text(), "done\n")

    def test_uncaught_exception_is_failed(self):
        proc = run_script(self.tmp, """
            import mlwb
            mlwb.start_run()
            mlwb.log_metric("loss", 1.0)
            raise RuntimeError("training diverged")
        """, self.workspace)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("RuntimeError: training diverged", proc.stderr)  # the previous hook still prints
        evs = self.only_events()
        self.assertEqual((evs[-1]["status"], evs[-1]["error"]), ("failed", "RuntimeError: training diverged"))
        self.assertEqual([e["type"] for e in evs].count("run_end"), 1)
        log = (run_dirs(self.workspace)[0] / "output.log").read_text()
        self.assertIn("Traceback", log)

    def test_uncaught_keyboard_interrupt_is_killed(self):
        proc = run_script(self.tmp, """
            import mlwb
            mlwb.start_run()
            raise KeyboardInterrupt
        """, self.workspace)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.only_events()[-1]["status"], "killed")

    def test_context_manager_in_script(self):
        proc = run_script(self.tmp, """
            import mlwb
            with mlwb.start_run() as run:
                raise ValueError("bad input")
        """, self.workspace)
        self.assertEqual(proc.returncode, 1)
        evs = self.only_events()
        self.assertEqual((evs[-1]["status"], evs[-1]["error"]), ("failed", "ValueError: bad input"))
        self.assertEqual([e["type"] for e in evs].count("run_end"), 1)

    def _start_waiting_child(self, code, **env):
        path = write_script(self.tmp, code)
        proc = subprocess.Popen(
            [sys.executable, str(path)], cwd=str(self.tmp), env=script_env(self.workspace, **env),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.addCleanup(proc.stderr.close)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        self.assertEqual(proc.stdout.readline().strip(), "ready", proc.stderr.read() if proc.poll() else "")
        return proc

    LOG_THEN_WAIT = """
        import sys, time, mlwb
        run = mlwb.start_run()
        for i in range(1000):
            run.log_metric("loss", 1.0 / (i + 1))
        run.log_metrics({"a": float("nan")})
        print("ready", flush=True)
        time.sleep(30)
    """

    @unittest.skipUnless(POSIX, "POSIX signals")
    def test_sigterm_is_killed_and_flushed_and_process_dies(self):
        proc = self._start_waiting_child(self.LOG_THEN_WAIT)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        self.assertEqual(proc.returncode, -signal.SIGTERM)
        evs = self.only_events()
        self.assertEqual(len([e for e in evs if e["type"] == "metric"]), 1000)
        self.assertEqual(evs[-2]["values"], {"a": "NaN"})
        self.assertEqual(evs[-1]["status"], "killed")

    @unittest.skipUnless(POSIX, "POSIX signals")
    def test_sigterm_handler_of_the_program_is_respected(self):
        proc = self._start_waiting_child("""
            import signal, sys, time, mlwb
            signal.signal(signal.SIGTERM, lambda *a: sys.exit(7))
            with mlwb.start_run() as run:
                print("ready", flush=True)
                time.sleep(30)
        """)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        self.assertEqual(proc.returncode, 7)
        end = self.only_events()[-1]
        self.assertEqual((end["status"], end["error"]), ("failed", "SystemExit: 7"))

    @unittest.skipUnless(POSIX, "POSIX signals")
    def test_sigkill_leaves_flushed_lines_without_run_end(self):
        proc = self._start_waiting_child(self.LOG_THEN_WAIT)
        time.sleep(0.3)
        proc.kill()
        proc.wait(timeout=10)
        evs = self.only_events()
        self.assertEqual(evs[0]["type"], "run_start")
        self.assertEqual(len([e for e in evs if e["type"] == "metric"]), 1000)
        self.assertNotIn("run_end", [e["type"] for e in evs])

    def test_os_exit_leaves_flushed_lines_without_run_end(self):
        proc = run_script(self.tmp, """
            import os, time, mlwb
            run = mlwb.start_run()
            for i in range(1000):
                run.log_metric("loss", i)
            time.sleep(0.3)
            os._exit(3)
        """, self.workspace)
        self.assertEqual(proc.returncode, 3)
        evs = self.only_events()
        self.assertEqual(len([e for e in evs if e["type"] == "metric"]), 1000)
        self.assertNotIn("run_end", [e["type"] for e in evs])

    @unittest.skipUnless(hasattr(os, "fork"), "needs fork")
    def test_forked_child_does_not_end_or_write_the_run(self):
        proc = run_script(self.tmp, """
            import os, sys, mlwb
            run = mlwb.start_run()
            run.log_metric("m", 1)
            pid = os.fork()
            if pid == 0:
                assert mlwb.active_run() is None
                print("child output")
                sys.exit(0)  # runs atexit in the child
            os.waitpid(pid, 0)
            run.log_metric("m", 2)
            mlwb.end_run()
        """, self.workspace)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        evs = self.only_events()
        types = [e["type"] for e in evs]
        self.assertEqual(types, ["run_start", "metric", "metric", "run_end"])
        self.assertIn("child output", proc.stdout)


class ContextCaptureTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.workspace = self.tmp / ".mlwb"

    def start_event(self):
        (run_dir,) = run_dirs(self.workspace)
        return read_events(run_dir)[0]

    @unittest.skipUnless(shutil.which("git"), "git is not installed")
    def test_git_script_and_packages(self):
        repo = self.tmp / "repo"
        repo.mkdir()
        git_env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                       GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL=os.devnull)

        def git(*args):
            return subprocess.run(["git", *args], cwd=str(repo), env=git_env, check=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True).stdout.strip()

        git("init", "-q", "-b", "trunk")
        script = write_script(repo, "import mlwb\nwith mlwb.start_run():\n    pass\n", "train.py")
        git("add", "train.py")
        git("commit", "-q", "-m", "init")
        commit = git("rev-parse", "HEAD")
        with open(script, "a") as f:
            f.write("# local change\n")
        elsewhere = self.tmp / "cwd"
        elsewhere.mkdir()
        proc = subprocess.run([sys.executable, str(script), "--lr", "0.1"], cwd=str(elsewhere),
                              env=script_env(self.workspace, MLWB_CAPTURE_ENV="1"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        ctx = self.start_event()["context"]
        self.assertNotIn("context_error", ctx)
        self.assertEqual(ctx["source"], {"path": str(script.resolve()), "kind": "script"})
        self.assertEqual(ctx["argv"], [str(script), "--lr", "0.1"])
        self.assertEqual(ctx["cwd"], str(elsewhere))
        self.assertEqual(ctx["executable"], sys.executable)
        self.assertEqual(ctx["python_version"], "%d.%d.%d" % sys.version_info[:3])
        git_info = ctx["git"]
        self.assertEqual((git_info["commit"], git_info["branch"], git_info["dirty"]), (commit, "trunk", True))
        self.assertIn("+# local change", git_info["diff"])
        packages = ctx["packages"]
        self.assertIsInstance(packages, list)
        self.assertEqual(packages, sorted(packages))
        self.assertTrue(all("==" in p for p in packages))

    def test_capture_env_off_and_not_a_repo(self):
        proc = run_script(self.tmp, "import mlwb\nwith mlwb.start_run():\n    pass\n", self.workspace)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        ctx = self.start_event()["context"]
        self.assertIsNone(ctx["git"])
        self.assertIsNone(ctx["packages"])

    def test_interactive_source(self):
        proc = subprocess.run([sys.executable, "-c", "import mlwb\nwith mlwb.start_run():\n    pass\n"],
                              cwd=str(self.tmp), env=script_env(self.workspace), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.start_event()["context"]["source"], {"path": None, "kind": "interactive"})

    def test_failures_are_recorded_not_raised(self):
        from unittest import mock

        import mlwb
        from mlwb import context

        os.environ["MLWB_DIR"] = str(self.workspace)
        with mock.patch.object(context, "packages", side_effect=OSError("disk on fire")), \
                mock.patch.object(context, "source_info", side_effect=RuntimeError("nope")):
            ctx = context.gather(capture_env=True)
            self.assertIn("packages: OSError: disk on fire", ctx["context_error"])
            self.assertIn("source: RuntimeError: nope", ctx["context_error"])
            self.assertIsNone(ctx["packages"])
            with mlwb.start_run() as run:
                pass
        self.assertIn("context_error", read_events(run.dir)[0]["context"])

    def test_not_in_git_repo_gives_null(self):
        from mlwb import context

        if any((p / ".git").exists() for p in [self.tmp, *self.tmp.parents]):
            self.skipTest("temp dir is inside a git repository")
        self.assertIsNone(context.git_info(str(self.tmp)))


if __name__ == "__main__":
    unittest.main()
