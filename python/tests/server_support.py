"""Starts the real model server (dist/server.js) for the tests, with models built by
test/fixtures/server/make_models.py. The server is a separate Node process; tests talk to it over
HTTP on 127.0.0.1 only, and every process started here is stopped by the fixture that started it."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVER = os.path.join(REPO, "dist", "server.js")
MAKE_MODELS = os.path.join(REPO, "test", "fixtures", "server", "make_models.py")
NODE = os.environ.get("NODE", shutil.which("node") or "node")


def require_peers():
    for mod in ("onnx", "onnxruntime", "tritonclient.http", "skl2onnx", "numpy"):
        pytest.importorskip(mod, reason=f"{mod} missing: pip install -r python/requirements-test.txt")
    if not os.path.exists(SERVER):
        pytest.skip("dist/server.js missing: run npm run build")


def make_models(folder):
    out = subprocess.run([sys.executable, MAKE_MODELS, folder], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


class Server:
    def __init__(self, config, folder, args=()):
        self.config_path = os.path.join(folder, "server-%d.json" % int(time.time() * 1e6))
        with open(self.config_path, "w") as f:
            json.dump({"port": 0, **config}, f)
        self.proc = subprocess.Popen([NODE, SERVER, "--config", self.config_path, *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server exited: " + self.proc.stderr.read())
            self.lines.append(line)
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                self.hostport = self.url[len("http://"):]
                return
        raise RuntimeError("server did not start in 60 s")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()


def tmpdir():
    return tempfile.mkdtemp(prefix="mlwb-server-")
