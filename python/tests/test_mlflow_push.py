"""`mlwb sync push` to a real `mlflow server` (its own SQLite store, on 127.0.0.1), checked through
its REST API: everything arrives within MLflow's batch limits, a second push sends nothing, and a
push killed midway resumes with nothing duplicated."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest
from pathlib import Path

from tests.mlflow_support import CLI, REPO, MlflowServer, mlflow_python, mlwb, mlwb_json, node, require_cli, workspace

POINTS = 12_000

LOG = r'''
import math, sys
import mlwb
for i in range(3):
    with mlwb.start_run(experiment=sys.argv[1], name=f"run-{i}", params={"i": i, "lr": 10 ** -i}) as run:
        run.set_tag("kind", "push-test")
        for s in range(int(sys.argv[2])):
            run.log_metrics({"loss": 1 / (s + 1), "acc": (math.nan if s == 7 else s / 1e5)}, step=s)
        with open("note.txt", "w") as f:
            f.write(run.id)
        run.log_artifact("note.txt")
'''


class MlflowPushTest(unittest.TestCase):
    def setUp(self) -> None:
        require_cli()
        mlflow_python()
        self.dir = workspace()
        self.ws = self.dir / "ws"
        self.ws.mkdir()
        env = {**os.environ, "MLWB_DIR": str(self.ws / ".mlwb"), "PYTHONPATH": str(REPO / "python"), "MLWB_CAPTURE_ENV": "0"}
        subprocess.run([sys.executable, "-c", LOG, "pushed", str(POINTS)], cwd=self.ws, env=env, check=True, timeout=300)
        self.ours = {r["id"]: r for r in mlwb_json(self.ws, "runs", "list")}
        self.server = MlflowServer(self.dir / "remote")

    def tearDown(self) -> None:
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def remote_runs(self):
        exp = self.server.api("GET", "experiments/get-by-name", {"experiment_name": "pushed"})["experiment"]
        return self.server.api("POST", "runs/search", {"experiment_ids": [exp["experiment_id"]], "max_results": 1000}).get("runs", [])

    def history(self, run_id: str, key: str):
        points, token = [], None
        while True:
            q = {"run_id": run_id, "metric_key": key, **({"page_token": token} if token else {})}
            page = self.server.api("GET", "metrics/get-history", q)
            points += page.get("metrics", [])
            token = page.get("next_page_token")
            if not token:
                return points

    def check_remote_has_everything(self) -> None:
        remote = self.remote_runs()
        by_ours = {}
        for r in remote:
            tags = {t["key"]: t["value"] for t in r["data"].get("tags", [])}
            self.assertNotIn(tags["mlwb.run_id"], by_ours, "a run was pushed twice")
            by_ours[tags["mlwb.run_id"]] = r
        self.assertEqual(set(by_ours), set(self.ours))
        for our_id, r in by_ours.items():
            o = self.ours[our_id]
            self.assertEqual(r["info"]["status"], "FINISHED")
            self.assertEqual(r["info"]["run_name"], o["name"])
            self.assertEqual({p["key"]: p["value"] for p in r["data"]["params"]}, o["params"])
            loss = self.history(r["info"]["run_id"], "loss")
            self.assertEqual(len(loss), POINTS, "points missing or duplicated")
            self.assertEqual(sorted(p["step"] for p in loss), list(range(POINTS)))
            acc_points = self.history(r["info"]["run_id"], "acc")
            self.assertEqual(len(acc_points), POINTS, "points missing or duplicated")
            acc = {p["step"]: p["value"] for p in acc_points}
            self.assertEqual(acc[7], "NaN")
            files = self.server.api("GET", "artifacts/list", {"run_id": r["info"]["run_id"]}).get("files", [])
            self.assertEqual([f["path"] for f in files], ["note.txt"])

    def test_push_then_push_again_sends_nothing(self) -> None:
        first = mlwb_json(self.ws, "sync", "push", "--to", self.server.url)
        self.assertEqual(first["created"], 3)
        self.assertEqual(first["metrics"], 3 * 2 * POINTS)
        # Every batch within MLflow's limits: at least ceil(points / 1000) batches per run.
        self.assertGreaterEqual(first["requests"], 3 * (2 * POINTS // 1000))
        self.check_remote_has_everything()
        again = mlwb_json(self.ws, "sync", "push", "--to", self.server.url)
        self.assertEqual((again["created"], again["metrics"], again["requests"]), (0, 0, 0))
        self.assertEqual(len(self.remote_runs()), 3)

    def test_filter_selects_runs(self) -> None:
        r = mlwb_json(self.ws, "sync", "push", "--to", self.server.url, "--experiment", "pushed", "--filter", "params.i = '1'")
        self.assertEqual(r["created"], 1)
        remote = self.remote_runs()
        self.assertEqual([x["info"]["run_name"] for x in remote], ["run-1"])

    def test_killed_push_resumes_without_duplicates(self) -> None:
        ledger = self.ws / ".mlwb" / "mlflow" / "pushed.jsonl"
        env = {**os.environ, "MLWB_DIR": str(self.ws / ".mlwb")}
        proc = subprocess.Popen([node(), str(CLI), "sync", "push", "--to", self.server.url, "--json"], cwd=self.ws, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill it once the second run is partly sent (some batches accepted, the run not finished).
        deadline = time.time() + 300
        killed = False
        while time.time() < deadline and proc.poll() is None:
            latest = {}
            try:
                for line in ledger.read_text().splitlines():
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue  # the line being written
                    latest[entry["k"]] = entry["v"]
            except OSError:
                pass
            runs = list(latest.values())
            if len(runs) >= 2 and any(r["state"] == "open" and sum(r["metrics"].values()) > 0 for r in runs):
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.05)
        proc.wait(60)
        self.assertTrue(killed, "the push finished before it could be interrupted; raise POINTS")
        # The process can also die after the server accepted a request and before the ledger recorded
        # it, worst of all right after runs/create: drop every ledger line of the unfinished run, so the
        # resumed push must find that run on the server (by its mlwb.run_id tag) instead of creating it again.
        lines = [line for line in ledger.read_text().splitlines(keepends=True) if line.endswith("\n")]
        open_key = next(k for k, v in latest.items() if v["state"] == "open")
        ledger.write_text("".join(line for line in lines if json.loads(line)["k"] != open_key))
        partial = self.remote_runs()
        self.assertLess(sum(len(self.history(r["info"]["run_id"], "loss")) for r in partial), 3 * POINTS)
        resumed = mlwb(self.ws, "sync", "push", "--to", self.server.url, "--json", timeout=600)
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        self.check_remote_has_everything()


if __name__ == "__main__":
    unittest.main()
