"""Driver for bench/mlflow.bench.mjs, run in the pinned mlflow's interpreter. Prints one JSON line.

  log <tracking_uri> <points> [keys]   the mlflow client logs <points> metric points over [keys] (10)
                                       keys (log_batch of 1000, as autolog and well-behaved loops
                                       do) and then reads the run back (so our endpoint's ingest is
                                       inside the time)
  log-points <tracking_uri> <points>   mlflow.log_metric("m0", v, step=i) per point, in a run (the
                                       loop is timed, not the run's start and end)
  history <tracking_uri> <repeat> <run_id>
                                       get_metric_history(run_id, "m0"); min seconds of <repeat>
  log-steps <tracking_uri> <steps>     mlflow.log_metrics of 10 keys per step (one request per step)
  populate <sqlite_path> <runs>        writes <runs> finished runs (params, tags, 3 metrics) into a
                                       fresh mlflow.db, with MLflow's own schema, by SQL (fast set-up)
  search <tracking_uri> <repeat>       search_runs over every run (paged, 1000 per page) and a
                                       filtered, ordered search; median seconds of <repeat> tries
"""
import json
import os
import random
import sqlite3
import statistics
import sys
import time
import uuid

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric  # noqa: E402


def log(uri, points, keys="10"):
    keys = int(keys)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    exp = client.create_experiment(f"bench-{uuid.uuid4().hex[:8]}")
    t0 = time.perf_counter()
    run = client.create_run(exp)
    rid = run.info.run_id
    ts = int(time.time() * 1000)
    for start in range(0, points, 1000):
        client.log_batch(rid, metrics=[Metric(f"m{i % keys}", random.random(), ts + i, i // keys)
                                       for i in range(start, min(points, start + 1000))])
    client.set_terminated(rid)
    got = client.get_run(rid)
    elapsed = time.perf_counter() - t0
    assert len(got.data.metrics) == keys, got.data.metrics
    assert len(client.get_metric_history(rid, "m0")) == points // keys
    return {"seconds": elapsed, "points": points, "run_id": rid}


def log_points(uri, points):
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(f"bench-{uuid.uuid4().hex[:8]}")
    with mlflow.start_run() as run:
        t0 = time.perf_counter()  # the per-point calls only: run start and end are not per point
        for i in range(points):
            mlflow.log_metric("m0", random.random(), step=i)
        elapsed = time.perf_counter() - t0
    assert len(MlflowClient().get_metric_history(run.info.run_id, "m0")) == points
    return {"seconds": elapsed, "points": points}


def history(uri, repeat, run_id):
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    times, count = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        count = len(client.get_metric_history(run_id, "m0"))
        times.append(time.perf_counter() - t0)
    return {"seconds": min(times), "points": count}


def log_steps(uri, steps):
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(f"bench-{uuid.uuid4().hex[:8]}")
    t0 = time.perf_counter()
    with mlflow.start_run() as run:
        for s in range(steps):
            mlflow.log_metrics({f"k{i}": random.random() for i in range(10)}, step=s)
    n = len(MlflowClient().get_metric_history(run.info.run_id, "k0"))
    elapsed = time.perf_counter() - t0
    assert n == steps
    return {"seconds": elapsed, "points": steps * 10}


def populate(path, runs):
    mlflow.set_tracking_uri(f"sqlite:///{path}")
    exp = MlflowClient().create_experiment("search")
    db = sqlite3.connect(path)
    rng = random.Random(0)
    now = int(time.time() * 1000)
    with db:
        for i in range(runs):
            rid = uuid.UUID(int=rng.getrandbits(128)).hex
            start = now - (runs - i) * 1000
            db.execute("INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time,"
                       " source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (rid, f"run-{i}", "LOCAL", "train.py", "", "bench", "FINISHED", start, start + 500, "", "active", "", int(exp)))
            for k, v in (("opt", rng.choice(["adam", "sgd", "rmsprop"])), ("lr", str(rng.choice([0.1, 0.01, 0.001]))), ("layers", str(rng.randint(1, 8)))):
                db.execute("INSERT INTO params (key, value, run_uuid) VALUES (?,?,?)", (k, v, rid))
            for k, v in (("mlflow.runName", f"run-{i}"), ("team", rng.choice(["a", "b"]))):
                db.execute("INSERT INTO tags (key, value, run_uuid) VALUES (?,?,?)", (k, v, rid))
            for k in ("loss", "acc", "f1"):
                v = rng.random()
                db.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?,?,?,?,?,0)", (k, v, start + 100, rid, 0))
                db.execute("INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?,?,?,?,0,?)", (k, v, start + 100, 0, rid))
    return {"experiment_id": exp, "runs": runs}


def search(uri, repeat):
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    exp = client.get_experiment_by_name("search").experiment_id

    def all_runs():
        n, token = 0, None
        while True:
            page = client.search_runs([exp], max_results=1000, page_token=token)
            n += len(page)
            token = page.token
            if not token:
                return n

    def filtered():
        return len(client.search_runs([exp], "metrics.loss < 0.5 and params.opt = 'adam'", max_results=1000, order_by=["metrics.acc DESC"]))

    out = {}
    for name, fn in (("all_runs_paged", all_runs), ("filtered_ordered", filtered)):
        times, count = [], None
        for _ in range(repeat):
            t0 = time.perf_counter()
            count = fn()
            times.append(time.perf_counter() - t0)
        out[name] = {"seconds": statistics.median(times), "runs": count}
    return out


if __name__ == "__main__":
    cmd, arg, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    commands = {"log": log, "log-points": log_points, "history": history, "log-steps": log_steps, "populate": populate, "search": search}
    result = commands[cmd](arg, n, *sys.argv[4:])
    print(json.dumps(result))
