"""Measures the cost of logging one point; prints one JSON line.

    MLWB_DIR=/tmp/bench/.mlwb python3 python/bench_client.py [points] [api]

api is "metric" (run.log_metric(key, v) per point, the default), "metric_step" (the same with
step=i, the keyword the dict call below passes too), "metrics" (run.log_metrics({key: v}, step=i)
per point, the dict a training loop logs) or "metrics4" (one dict of four keys per step).
The workspace comes from MLWB_DIR (required, so a benchmark never writes a million points into a
real project's workspace).
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mlwb  # noqa: E402


def main() -> int:
    if not os.environ.get("MLWB_DIR"):
        print("bench_client.py: set MLWB_DIR to the .mlwb folder to write to", file=sys.stderr)
        return 2
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    api = sys.argv[2] if len(sys.argv) > 2 else "metric"
    os.environ.setdefault("MLWB_CAPTURE_ENV", "0")
    with mlwb.start_run(experiment="bench", name="bench-client") as run:
        start = time.perf_counter()
        cpu_start = time.process_time()
        if api == "metric":
            log = run.log_metric
            for i in range(points):
                log("loss", 1.0 / (i + 1))
        elif api == "metric_step":
            log = run.log_metric
            for i in range(points):
                log("loss", 1.0 / (i + 1), step=i)
        elif api == "metrics":
            logs = run.log_metrics
            for i in range(points):
                logs({"loss": 1.0 / (i + 1)}, step=i)
        elif api == "metrics4":
            logs = run.log_metrics
            for i in range(points // 4):
                v = 1.0 / (i + 1)
                logs({"loss": v, "acc": v, "lr": v, "grad": v}, step=i)
        else:
            print(f"bench_client.py: unknown api {api!r}", file=sys.stderr)
            return 2
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        end_start = time.perf_counter()
    end_seconds = time.perf_counter() - end_start
    print(
        json.dumps(
            {
                "points": points,
                "api": api,
                "seconds": round(seconds, 4),
                "us_per_call": round(seconds / points * 1e6, 3) if points else 0.0,
                # CPU time of the process (the flusher thread included): steadier on a shared machine.
                "cpu_us_per_call": round(cpu_seconds / points * 1e6, 3) if points else 0.0,
                "end_seconds": round(end_seconds, 4),
                "run_id": run.id,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
