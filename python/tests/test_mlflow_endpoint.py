"""The real mlflow client (pinned in python/requirements-mlflow.txt) logging, unchanged, against
`mlwb server`: fluent API, MlflowClient, sklearn autolog on a real fit, artifacts, search, the
model registry with aliases. Everything is read back through MLflow and through our own CLI."""
import json
import shutil
import unittest
import urllib.error
import urllib.request

from tests.mlflow_support import MlwbServer, mlflow_python, mlwb, mlwb_json, require_cli, run_mlflow, workspace

LOGGING = r'''
import json, math, os, tempfile
import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException

out = {}
mlflow.set_experiment("fluent")
runs = []
for i, (lr, opt) in enumerate([(0.1, "adam"), (0.01, "sgd"), (0.001, "adam")]):
    with mlflow.start_run(run_name=f"r{i}") as run:
        mlflow.log_params({"lr": lr, "optimizer": opt})
        for step in range(20):
            mlflow.log_metric("loss", (1 + i) / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.5 + i / 10, "weird": math.nan})
        mlflow.set_tags({"team": "vision", "idx": str(i)})
        runs.append(run.info.run_id)
out["runs"] = runs

client = MlflowClient()
exp = client.get_experiment_by_name("fluent")
out["experiment_id"] = exp.experiment_id
out["missing_experiment"] = client.get_experiment_by_name("nope") is None
r = client.get_run(runs[1])
out["run1"] = {"status": r.info.status, "name": r.info.run_name, "params": r.data.params,
               "metrics": {k: (None if math.isnan(v) else v) for k, v in r.data.metrics.items()},
               "tags": {k: v for k, v in r.data.tags.items() if not k.startswith("mlflow.")},
               "start": r.info.start_time, "end": r.info.end_time}
out["history"] = [[m.step, m.value, m.timestamp > 0] for m in client.get_metric_history(runs[1], "loss")]

found = mlflow.search_runs(experiment_ids=[exp.experiment_id], filter_string="params.optimizer = 'adam' and metrics.loss < 1",
                           order_by=["metrics.acc DESC"], output_format="list")
out["search_adam"] = [x.info.run_id for x in found]
out["search_status"] = len(client.search_runs([exp.experiment_id], "attributes.status = 'FINISHED'"))
page1 = client.search_runs([exp.experiment_id], max_results=2, order_by=["attributes.start_time ASC"])
page2 = client.search_runs([exp.experiment_id], max_results=2, order_by=["attributes.start_time ASC"], page_token=page1.token)
out["pages"] = [[x.info.run_id for x in page1], [x.info.run_id for x in page2], page2.token]

# MlflowClient without the fluent API: its own run, a batch, a tag deleted, the run killed.
c_run = client.create_run(exp.experiment_id, run_name="client-run", tags={"via": "client"})
rid = c_run.info.run_id
client.log_batch(rid, metrics=[Metric("m", float(s), 1_700_000_000_000 + s, s) for s in range(50)],
                 params=[Param("p", "1")], tags=[RunTag("t", "x"), RunTag("gone", "y")])
client.delete_tag(rid, "gone")
try:
    client.log_param(rid, "p", "2")
    out["param_change"] = "accepted"
except MlflowException as e:
    out["param_change"] = e.error_code
# (the client splits big batches itself: the server's limits are checked over raw REST below)
try:
    client.get_run("0123456789abcdef0123")
except MlflowException as e:
    out["missing_run"] = e.error_code
client.set_terminated(rid, "KILLED")
cr = client.get_run(rid)
out["client_run"] = {"status": cr.info.status, "tags": {k: v for k, v in cr.data.tags.items() if not k.startswith("mlflow.")},
                     "params": cr.data.params, "points": len(client.get_metric_history(rid, "m"))}
out["client_run_id"] = rid

# Artifacts through the proxy: upload a folder and a file, list, download.
with tempfile.TemporaryDirectory() as d:
    os.makedirs(os.path.join(d, "plots"))
    open(os.path.join(d, "plots", "a.txt"), "w").write("alpha")
    open(os.path.join(d, "notes.md"), "w").write("# notes")
    with mlflow.start_run(run_id=runs[2]):
        pass
    client.log_artifact(runs[0], os.path.join(d, "notes.md"))
    client.log_artifacts(runs[0], os.path.join(d, "plots"), artifact_path="plots")
    out["artifacts_root"] = sorted(f.path for f in client.list_artifacts(runs[0]))
    out["artifacts_plots"] = sorted(f.path for f in client.list_artifacts(runs[0], "plots"))
    got = mlflow.artifacts.download_artifacts(run_id=runs[0], artifact_path="plots/a.txt", dst_path=os.path.join(d, "dl"))
    out["downloaded"] = open(got).read()

client.delete_run(runs[2])
out["after_delete"] = sorted(x.info.run_id for x in client.search_runs([exp.experiment_id]))
out["deleted_only"] = [x.info.run_id for x in client.search_runs([exp.experiment_id], run_view_type=2)]
client.restore_run(runs[2])
out["exp_names"] = sorted(e.name for e in client.search_experiments())
print(json.dumps(out))
'''

AUTOLOG = r'''
import json
import mlflow, mlflow.sklearn
from mlflow import MlflowClient
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

mlflow.set_experiment("autolog")
mlflow.sklearn.autolog()
X, y = load_iris(return_X_y=True)
with mlflow.start_run(run_name="iris") as run:
    LogisticRegression(max_iter=300).fit(X, y)
client = MlflowClient()
r = client.get_run(run.info.run_id)
model = mlflow.last_logged_model()
mv = mlflow.register_model(f"models:/{model.model_id}", "iris-clf")
client.set_registered_model_alias("iris-clf", "champion", mv.version)
mv2 = client.create_model_version("iris-clf", f"models:/{model.model_id}", run_id=run.info.run_id)
client.set_registered_model_alias("iris-clf", "staging", mv2.version)
loaded = mlflow.sklearn.load_model("models:/iris-clf@champion")
print(json.dumps({
    "run_id": run.info.run_id,
    "params": sorted(r.data.params),
    "metrics": sorted(r.data.metrics),
    "estimator": r.data.tags.get("estimator_name"),
    "artifacts": sorted(f.path for f in client.list_artifacts(run.info.run_id)),
    "versions": [mv.version, mv2.version],
    "champion": client.get_model_version_by_alias("iris-clf", "champion").version,
    "staging": client.get_model_version_by_alias("iris-clf", "staging").version,
    "aliases": sorted(a for a in client.get_registered_model("iris-clf").aliases),
    "predictions": loaded.predict(X[:5]).tolist(),
    "expected": LogisticRegression(max_iter=300).fit(X, y).predict(X[:5]).tolist(),
}))
'''


class MlflowEndpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        require_cli()
        mlflow_python()
        cls.ws = workspace()
        cls.server = MlwbServer(cls.ws)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()
        shutil.rmtree(cls.ws, ignore_errors=True)

    def test_fluent_and_client_api_read_back_through_mlflow_and_our_cli(self) -> None:
        out = run_mlflow(LOGGING, self.server.env, self.ws)
        runs = out["runs"]
        self.assertEqual(len(runs), 3)
        self.assertTrue(out["missing_experiment"])
        r1 = out["run1"]
        self.assertEqual(r1["status"], "FINISHED")
        self.assertEqual(r1["name"], "r1")
        self.assertEqual(r1["params"], {"lr": "0.01", "optimizer": "sgd"})
        self.assertEqual(r1["metrics"], {"loss": 2 / 20, "acc": 0.6, "weird": None})
        self.assertEqual(r1["tags"], {"team": "vision", "idx": "1"})
        self.assertGreaterEqual(r1["end"], r1["start"])
        self.assertEqual(out["history"], [[s, 2 / (s + 1), True] for s in range(20)])
        # adam runs are 0 and 2; ordered by acc descending: 2 (0.7) before 0 (0.5)
        self.assertEqual(out["search_adam"], [runs[2], runs[0]])
        self.assertEqual(out["search_status"], 3)
        self.assertEqual(out["pages"][0], runs[:2])
        self.assertEqual(out["pages"][1][0], runs[2])
        self.assertEqual(out["param_change"], "INVALID_PARAMETER_VALUE")
        status, body = self._request("/api/2.0/mlflow/runs/create", self.server.token, {"experiment_id": out["experiment_id"]})
        rid = json.loads(body)["run"]["info"]["run_id"]
        for body, ok in ((self._batch(rid, 1000, 0, 0), True), (self._batch(rid, 1001, 0, 0), False), (self._batch(rid, 0, 101, 0), False),
                         (self._batch(rid, 0, 0, 101), False), (self._batch(rid, 901, 100, 0), False)):
            status, reply = self._request("/api/2.0/mlflow/runs/log-batch", self.server.token, body)
            self.assertEqual(status, 200 if ok else 400, reply)
            if not ok:
                self.assertEqual(json.loads(reply)["error_code"], "INVALID_PARAMETER_VALUE")
        self.assertEqual(out["missing_run"], "RESOURCE_DOES_NOT_EXIST")
        cr = out["client_run"]
        self.assertEqual(cr["status"], "KILLED")
        self.assertEqual(cr["tags"], {"via": "client", "t": "x"})
        self.assertEqual(cr["params"], {"p": "1"})
        self.assertEqual(cr["points"], 50)
        status, body = self._request(f"/api/2.0/mlflow/metrics/get-history?run_id={rid}&metric_key=x", self.server.token, method="GET")
        self.assertEqual(len(json.loads(body)["metrics"]), 1000)  # only the accepted batch landed
        status, body = self._request("/api/2.0/mlflow/runs/log-metric", self.server.token,
                                     {"run_id": out["client_run_id"], "key": "late", "value": 1, "timestamp": 1, "step": 0})
        self.assertEqual((status, json.loads(body)["error_code"]), (400, "INVALID_STATE"))  # docs/mlflow.md: ended runs take tags only
        # The charts' sampled history (what MLflow's UI asks for): 10 of 50 steps, first and last kept.
        status, body = self._request(f"/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids={out['client_run_id']}"
                                     f"&run_ids={runs[0]}&metric_key=m&max_results=10", self.server.token, method="GET")
        self.assertEqual(status, 200, body)
        steps = [m["step"] for m in json.loads(body)["metrics"] if m["run_id"] == out["client_run_id"]]
        self.assertEqual(len(steps), 10)
        self.assertEqual((steps[0], steps[-1]), (0, 49))
        self.assertEqual(out["artifacts_root"], ["notes.md", "plots"])
        self.assertEqual(out["artifacts_plots"], ["plots/a.txt"])
        self.assertEqual(out["downloaded"], "alpha")
        self.assertNotIn(runs[2], out["after_delete"])
        self.assertEqual(out["deleted_only"], [runs[2]])
        self.assertIn("fluent", out["exp_names"])

        # Our CLI shows the same runs, from the event logs the endpoint wrote.
        ours = {r["id"]: r for r in mlwb_json(self.ws, "runs", "list", "--experiment", "fluent")}
        self.assertEqual(set(runs) | {out["client_run_id"], rid}, set(ours))
        self.assertEqual(ours[runs[1]]["params"], {"lr": "0.01", "optimizer": "sgd"})
        self.assertEqual(ours[runs[1]]["metrics"]["loss"]["count"], 20)
        self.assertEqual(ours[runs[1]]["metrics"]["weird"]["last"], "NaN")
        self.assertEqual(ours[runs[1]]["status"], "finished")
        self.assertTrue((self.ws / ".mlwb" / "runs" / runs[0] / "artifacts" / "plots" / "a.txt").exists())

        # The logs are the source of truth: a rebuilt store has the same runs.
        r = mlwb(self.ws, "ingest", "--rebuild")
        self.assertEqual(r.returncode, 0, r.stderr)
        again = {r["id"]: r for r in mlwb_json(self.ws, "runs", "list", "--experiment", "fluent")}
        self.assertEqual(json.dumps(again, sort_keys=True), json.dumps(ours, sort_keys=True))

    def test_sklearn_autolog_and_model_registry_with_aliases(self) -> None:
        out = run_mlflow(AUTOLOG, self.server.env, self.ws)
        self.assertIn("max_iter", out["params"])
        self.assertIn("training_accuracy_score", out["metrics"])
        self.assertEqual(out["estimator"], "LogisticRegression")
        self.assertIn("training_confusion_matrix.png", out["artifacts"])
        self.assertEqual(out["versions"], ["1", "2"])
        self.assertEqual((out["champion"], out["staging"]), ("1", "2"))
        self.assertEqual(out["aliases"], ["champion", "staging"])
        self.assertEqual(out["predictions"], out["expected"])
        ours = mlwb_json(self.ws, "runs", "show", out["run_id"])
        self.assertEqual(ours["experiment"], "autolog")
        self.assertIn("training_accuracy_score", ours["metrics"])

    @staticmethod
    def _batch(run_id: str, metrics: int, params: int, tags: int) -> dict:
        return {"run_id": run_id, "metrics": [{"key": "x", "value": 1.0, "timestamp": 1, "step": s} for s in range(metrics)],
                "params": [{"key": f"bp{i}", "value": "v"} for i in range(params)],
                "tags": [{"key": f"bt{i}", "value": "v"} for i in range(tags)]}

    def _request(self, path: str, token, body=None, method="POST"):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        req = urllib.request.Request(self.server.url + path, data=None if body is None else json.dumps(body).encode(),
                                     method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def test_token_is_required(self) -> None:
        for token in (None, "wrong", self.server.token + "x"):
            status, body = self._request("/api/2.0/mlflow/experiments/search", token, {})
            self.assertEqual(status, 401)
            self.assertEqual(json.loads(body)["error_code"], "UNAUTHENTICATED")
        status, _ = self._request("/api/2.0/mlflow/experiments/search", self.server.token, {})
        self.assertEqual(status, 200)

    def test_artifact_paths_cannot_escape_the_run_folder(self) -> None:
        status, body = self._request("/api/2.0/mlflow/runs/create", self.server.token, {"experiment_id": "0"})
        run_id = json.loads(body)["run"]["info"]["run_id"]
        for rel in (f"runs/{run_id}/artifacts/../events.jsonl", f"runs/{run_id}/artifacts/%2e%2e/%2e%2e/store.db",
                    "runs/../../etc/passwd", f"runs/{run_id}/x/y"):
            status, body = self._request("/api/2.0/mlflow-artifacts/artifacts/" + rel, self.server.token, method="GET")
            self.assertIn(status, (400, 404), rel)
        status, _ = self._request(f"/api/2.0/mlflow-artifacts/artifacts/runs/{run_id}/artifacts/..%2Fevil.txt", self.server.token, method="PUT")
        self.assertEqual(status, 400)
        self.assertFalse((self.ws / ".mlwb" / "runs" / run_id / "evil.txt").exists())


if __name__ == "__main__":
    unittest.main()
