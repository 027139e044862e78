"""`mlwb import mlflow` on an mlruns/ folder and an mlflow.db that the real mlflow wrote, compared
field by field with what the mlflow client reads from the same store; importing again adds nothing,
and a run that was still running gets only its new points."""
import json
import math
import shutil
import unittest
from pathlib import Path

from tests.mlflow_support import mlflow_python, mlwb, mlwb_json, require_cli, run_mlflow, workspace

WRITE = r'''
import json, math, os, sys
import mlflow
from mlflow import MlflowClient
mlflow.set_tracking_uri(sys.argv[1] if len(sys.argv) > 1 else os.environ["STORE"])
client = MlflowClient()
out = {"runs": []}
for exp in ("vision", "nlp"):
    mlflow.set_experiment(exp)
    for i in range(2):
        with mlflow.start_run(run_name=f"{exp}-{i}") as run:
            mlflow.log_params({"lr": 0.1 * (i + 1), "arch": exp, "long": "x" * 500})
            for step in range(0, 30, 3):
                mlflow.log_metric("loss", 1 / (step + 1 + i), step=step, timestamp=1_790_000_000_000 + step * 1000 + i)
            mlflow.log_metric("loss", 7.5, step=3)  # a second value at one step is kept, as MLflow keeps it
            mlflow.log_metric("odd", math.nan, step=0)
            mlflow.log_metric("nested/key", -math.inf, step=1)
            mlflow.set_tags({"owner": "me", "multi": "line1\nline2"})
            d = os.path.join(os.environ["TMP"], run.info.run_id)
            os.makedirs(os.path.join(d, "sub"))
            open(os.path.join(d, "sub", "f.txt"), "w").write(run.info.run_id)
            mlflow.log_artifacts(d, artifact_path="out")
        out["runs"].append(run.info.run_id)
exp = client.get_experiment_by_name("vision")
doomed = client.create_run(exp.experiment_id, run_name="doomed")
client.set_terminated(doomed.info.run_id, "FAILED")
client.delete_run(doomed.info.run_id)
live = client.create_run(exp.experiment_id, run_name="live")
client.log_metric(live.info.run_id, "loss", 1.0, timestamp=1_790_000_000_000, step=0)
out["doomed"] = doomed.info.run_id
out["live"] = live.info.run_id
print(json.dumps(out))
'''

READ = r'''
import json, math, os
import mlflow
from mlflow import MlflowClient
from mlflow.entities import ViewType
mlflow.set_tracking_uri(os.environ["STORE"])
c = MlflowClient()
def num(v):
    return "NaN" if math.isnan(v) else ("Infinity" if v == math.inf else ("-Infinity" if v == -math.inf else v))
runs = {}
for e in c.search_experiments(view_type=ViewType.ALL):
    for r in c.search_runs([e.experiment_id], run_view_type=ViewType.ALL):
        runs[r.info.run_id] = {
            "experiment": e.name, "name": r.info.run_name, "status": r.info.status.lower(),
            "start": r.info.start_time, "end": r.info.end_time, "deleted": r.info.lifecycle_stage == "deleted",
            "params": r.data.params, "tags": r.data.tags,
            "series": {k: [[m.step, num(m.value), m.timestamp] for m in c.get_metric_history(r.info.run_id, k)] for k in r.data.metrics},
            "artifacts": sorted(f.path for f in c.list_artifacts(r.info.run_id, "out/sub")),
        }
print(json.dumps(runs))
'''

EXTEND = r'''
import json, os
import mlflow
from mlflow import MlflowClient
mlflow.set_tracking_uri(os.environ["STORE"])
c = MlflowClient()
rid = os.environ["LIVE"]
c.log_metric(rid, "loss", 0.5, timestamp=1_790_000_001_000, step=1)
c.log_param(rid, "late", "yes")
c.set_terminated(rid, "FINISHED")
print(json.dumps({}))
'''


def iso_ms(iso):
    from datetime import datetime
    return None if iso is None else round(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


class MlflowImportTest(unittest.TestCase):
    def setUp(self) -> None:
        require_cli()
        mlflow_python()
        self.dir = workspace()

    def tearDown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def check_store(self, store_uri: str, source: Path, env: dict) -> None:
        env = {**env, "STORE": store_uri, "TMP": str(self.dir)}
        wrote = run_mlflow(WRITE, env, self.dir)
        theirs = run_mlflow(READ, env, self.dir)
        ws = self.dir / "ws"
        ws.mkdir()
        first = mlwb_json(ws, "import", "mlflow", str(source))
        self.assertEqual(first["created"], len(theirs))
        ours = {r["tags"]["mlwb.mlflow_run_id"]: r for r in mlwb_json(ws, "runs", "list", "--deleted")}
        self.assertEqual(set(ours), set(theirs))
        for mlflow_id, t in theirs.items():
            o = ours[mlflow_id]
            with self.subTest(run=t["name"]):
                self.assertEqual(o["experiment"], t["experiment"])
                self.assertEqual(o["name"], t["name"])
                if t["status"] == "running":
                    # No live producer writes the imported copy: the liveness sweep calls it killed once
                    # its last event is 30 s old (docs/mlflow.md), until a later import brings its end.
                    self.assertIn(o["status"], ("running", "killed"))
                else:
                    self.assertEqual(o["status"], t["status"])
                self.assertEqual(iso_ms(o["start_time"]), t["start"])
                if t["status"] != "running":
                    self.assertEqual(iso_ms(o["end_time"]), t["end"])
                self.assertEqual(o["lifecycle"] == "deleted", t["deleted"])
                self.assertEqual(o["params"], t["params"])
                self.assertEqual({k: v for k, v in o["tags"].items() if k != "mlwb.mlflow_run_id"}, t["tags"])
                self.assertEqual(set(o["metrics"]), set(t["series"]))
                for key, points in t["series"].items():
                    shown = mlwb_json(ws, "runs", "show", o["id"], "--metric", key)["points"]
                    got = sorted([p["step"], p["value"], iso_ms(p["timestamp"])] for p in shown)
                    self.assertEqual(got, sorted(points, key=lambda p: (p[0], str(p[1]), p[2])), key)
                files = sorted(str(p.relative_to(ws / ".mlwb" / "runs" / o["id"] / "artifacts"))
                               for p in (ws / ".mlwb" / "runs" / o["id"] / "artifacts").rglob("*") if p.is_file())
                self.assertEqual(files, t["artifacts"])
                for f in files:
                    self.assertEqual((ws / ".mlwb" / "runs" / o["id"] / "artifacts" / f).read_text(), mlflow_id)

        again = mlwb_json(ws, "import", "mlflow", str(source))
        self.assertEqual((again["created"], again["updated"], again["points"], again["artifacts"]), (0, 0, 0, 0))
        self.assertEqual(len(mlwb_json(ws, "runs", "list", "--deleted")), len(theirs))

        # The run that was still running: only its new point, param and end come in.
        run_mlflow(EXTEND, {**env, "LIVE": wrote["live"]}, self.dir)
        third = mlwb_json(ws, "import", "mlflow", str(source))
        self.assertEqual((third["created"], third["updated"], third["points"]), (0, 1, 1))
        live = next(r for r in mlwb_json(ws, "runs", "list") if r["tags"].get("mlwb.mlflow_run_id") == wrote["live"])
        self.assertEqual(live["status"], "finished")
        self.assertEqual(live["params"], {"late": "yes"})
        self.assertEqual(live["metrics"]["loss"]["count"], 2)

    def test_import_mlruns_folder(self) -> None:
        store = self.dir / "mlruns"
        self.check_store(store.as_uri(), store, {"MLFLOW_ALLOW_FILE_STORE": "true"})

    def test_import_mlflow_db(self) -> None:
        db = self.dir / "mlflow.db"
        self.check_store(f"sqlite:///{db}", db, {})

    def test_not_an_mlflow_store_is_a_clear_error(self) -> None:
        ws = self.dir / "ws"
        ws.mkdir()
        (self.dir / "junk.db").write_text("not sqlite")
        r = mlwb(ws, "import", "mlflow", str(self.dir / "junk.db"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("not an MLflow SQLite store", r.stderr)
        r = mlwb(ws, "import", "mlflow", str(self.dir / "missing"))
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
