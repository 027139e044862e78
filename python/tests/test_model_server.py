"""The model server (dist/server.js) against the real Open Inference Protocol client, tritonclient[http]:
metadata, readiness, JSON and binary tensors of every datatype compared with Python onnxruntime on the
same .onnx file, errors with their statuses, dynamic batching under concurrent clients, the request log,
the bearer token and a draining SIGTERM."""
import json
import multiprocessing
import os
import signal
import struct
import threading
import urllib.error
import urllib.request

import pytest

from .server_support import Server, make_models, require_peers, tmpdir

require_peers()

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402
import tritonclient.http as httpclient  # noqa: E402
from tritonclient.utils import InferenceServerException  # noqa: E402

NP = {
    "BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32, "UINT64": np.uint64,
    "INT8": np.int8, "INT16": np.int16, "INT32": np.int32, "INT64": np.int64,
    "FP16": np.float16, "FP32": np.float32, "FP64": np.float64, "BYTES": np.object_,
}


@pytest.fixture(scope="module")
def env():
    folder = tmpdir()
    models = make_models(folder)
    config = {
        # identity_fp32 waits up to 5 ms for company, so the two-client test sees batches form even
        # when the machine is fast enough that a lone worker is never busy (the default delay is 0).
        "models": [{"name": name, "version": "1", "path": m["path"],
                    **({"batching": {"maxQueueDelayMs": 5}} if name == "identity_fp32" else {})}
                   for name, m in models.items()]
        + [{"name": "iris", "version": "2", "path": models["iris"]["path"]},
           ],
        "maxBodyBytes": 1 << 20,
        "requestLog": {"dir": os.path.join(folder, "log"), "sampleRate": 1, "maxFileBytes": 4096, "maxFiles": 2},
    }
    server = Server(config, folder)
    yield {"server": server, "models": models, "folder": folder}
    server.stop()


@pytest.fixture()
def client(env):
    c = httpclient.InferenceServerClient(env["server"].hostport, concurrency=4)
    yield c
    c.close()


def sample(datatype, rng, shape=(2, 3), json_safe=False):
    if datatype == "BOOL":
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if datatype == "BYTES":
        words = ["", "a", "héllo", "tab\tand\nnewline", "日本", "x" * 40]
        return np.array([words[i] for i in rng.integers(0, len(words), size=int(np.prod(shape)))], dtype=np.object_).reshape(shape)
    dt = NP[datatype]
    if np.issubdtype(dt, np.floating):
        return (rng.standard_normal(shape) * 100).astype(dt)
    info = np.iinfo(dt)
    lo, hi = int(info.min), int(info.max)
    if json_safe:  # JSON numbers are doubles: 64-bit integers are exact only up to 2^53
        lo, hi = max(lo, -(2 ** 53)), min(hi, 2 ** 53)
    return rng.integers(lo, hi, size=shape, dtype=dt, endpoint=True)


def reference(path, feeds):
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, feeds)))


def normalize(a):
    if a.dtype == np.object_:
        return np.array([v.decode("utf-8") if isinstance(v, bytes) else v for v in a.ravel()], dtype=np.object_).reshape(a.shape)
    return a


def test_health_and_metadata(client, env):
    assert client.is_server_live()
    assert client.is_server_ready()
    meta = client.get_server_metadata()
    assert meta["name"] == "mlwb-model-server"
    assert "binary_tensor_data" in meta["extensions"]
    assert client.is_model_ready("iris")
    assert client.is_model_ready("iris", "2")
    assert not client.is_model_ready("iris", "7")
    m = client.get_model_metadata("iris")
    assert m["versions"] == ["1", "2"]
    assert m["inputs"] == [{"name": "X", "datatype": "FP32", "shape": [-1, 4]}]
    assert [(o["name"], o["datatype"], o["shape"]) for o in m["outputs"]] == [("label", "INT64", [-1]), ("probabilities", "FP32", [-1, 3])]
    assert client.get_model_metadata("iris", "1")["parameters"]["version"] == "1"
    assert client.get_model_metadata("fixed_batch")["parameters"]["max_batch_size"] == 0


@pytest.mark.parametrize("datatype", list(NP))
@pytest.mark.parametrize("binary_in,binary_out", [(True, True), (False, False), (True, False), (False, True)])
def test_every_datatype_matches_onnxruntime(client, env, datatype, binary_in, binary_out):
    rng = np.random.default_rng(hash((datatype, binary_in, binary_out)) % 2 ** 32)
    model = env["models"]["identity_" + datatype.lower()]
    x = sample(datatype, rng, json_safe=not (binary_in and binary_out))
    inp = httpclient.InferInput("x", list(x.shape), datatype)
    inp.set_data_from_numpy(x, binary_data=binary_in)
    outs = [httpclient.InferRequestedOutput(n, binary_data=binary_out) for n in ("y", "z")]
    result = client.infer("identity_" + datatype.lower(), [inp], outputs=outs)
    feed = x if datatype != "BYTES" else x.astype(str)
    ref = reference(model["path"], {"x": feed})
    for name in ("y", "z"):
        got = normalize(result.as_numpy(name))
        want = normalize(np.asarray(ref[name]).astype(NP[datatype]) if datatype != "BYTES" else np.asarray(ref[name], dtype=np.object_))
        assert got.shape == want.shape, name
        assert got.dtype == want.dtype, name
        np.testing.assert_array_equal(got, want)
        assert result.get_output(name)["datatype"] == datatype


def test_only_the_requested_outputs_come_back(client):
    x = np.ones((1, 3), dtype=np.float32)
    inp = httpclient.InferInput("x", [1, 3], "FP32")
    inp.set_data_from_numpy(x)
    result = client.infer("identity_fp32", [inp], outputs=[httpclient.InferRequestedOutput("z")])
    assert [o["name"] for o in result.get_response()["outputs"]] == ["z"]
    assert result.as_numpy("y") is None


def test_sklearn_model_matches_onnxruntime(client, env):
    rng = np.random.default_rng(3)
    x = (rng.random((17, 4)) * 7).astype(np.float32)
    ref = reference(env["models"]["iris"]["path"], {"X": x})
    for binary in (True, False):
        inp = httpclient.InferInput("X", [17, 4], "FP32")
        inp.set_data_from_numpy(x, binary_data=binary)
        r = client.infer("iris", [inp], outputs=[httpclient.InferRequestedOutput(n, binary_data=binary) for n in ("label", "probabilities")])
        np.testing.assert_array_equal(r.as_numpy("label"), ref["label"])
        np.testing.assert_allclose(r.as_numpy("probabilities"), ref["probabilities"], rtol=1e-6, atol=1e-7)


def status_of(call):
    with pytest.raises(InferenceServerException) as e:
        call()
    return e.value.status(), e.value.message()


def iris_input(shape=(1, 4), datatype="FP32", binary=True):
    inp = httpclient.InferInput("X", list(shape), datatype)
    inp.set_data_from_numpy(np.zeros(shape, dtype=NP[datatype]), binary_data=binary)
    return inp


def test_errors_through_tritonclient(client):
    status, msg = status_of(lambda: client.infer("nope", [iris_input()]))
    assert status == "404" and "unknown model 'nope'" in msg
    status, msg = status_of(lambda: client.infer("iris", [iris_input()], model_version="9"))
    assert status == "404" and "no version '9'" in msg
    status, msg = status_of(lambda: client.infer("iris", [iris_input(datatype="FP64")]))
    assert status == "400" and "FP64 does not match the model's FP32" in msg
    status, msg = status_of(lambda: client.infer("iris", [iris_input(shape=(1, 5))]))
    assert status == "400" and "does not match the model's [-1,4]" in msg
    status, msg = status_of(lambda: client.infer("fixed_batch", [httpclient.InferInput("x", [3, 2], "FP32").set_data_from_numpy(np.zeros((3, 2), np.float32))]))
    assert status == "400"
    status, msg = status_of(lambda: client.get_model_metadata("nope"))
    assert status == "404"


def post(url, body, headers=None):
    req = urllib.request.Request(url, data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_raw_http_errors(env):
    url = env["server"].url + "/v2/models/iris/infer"
    assert post(url, b"{not json") [0] == 400
    assert "not valid JSON" in post(url, b"{not json")[1]["error"]
    assert post(url, b'{"inputs": [{"name": "X", "datatype": "FP32", "shape": [1, 4], "data": [1, 2, 3]}]}') == (
        400, {"error": "input 'X': data has 3 elements but shape [1,4] needs 4"})
    status, body = post(url, b"x" * ((1 << 20) + 1))
    assert status == 413 and "exceeds the limit" in body["error"]
    status, body = post(url, b'{"inputs": []}', {"Inference-Header-Content-Length": "999"})
    assert status == 400 and "Inference-Header-Content-Length" in body["error"]
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(env["server"].url + "/v2/models/%E0%A4%A/ready", timeout=10)
    assert e.value.code == 400 and "percent-encoding" in json.loads(e.value.read())["error"]
    req = urllib.request.Request(env["server"].url + "/v2/models/iris/infer", method="GET")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 405 and "error" in json.loads(e.value.read())


def slow_body(rows):
    # The slow model takes about 1 ms per row here (120 chained 512x512 MatMuls).
    x = np.ones((rows, 512), dtype=np.float32)
    head = json.dumps({"inputs": [{"name": "x", "datatype": "FP32", "shape": [rows, 512], "parameters": {"binary_data_size": x.nbytes}}],
                       "outputs": [{"name": "y", "parameters": {"binary_data": True}}]}).encode()
    return head + x.tobytes(), {"Inference-Header-Content-Length": str(len(head))}


def test_timeout_is_a_504(env):
    server = Server({"models": [{"name": "slow", "path": env["models"]["slow"]["path"]}], "requestTimeoutMs": 300}, env["folder"])
    try:
        body, headers = slow_body(2048)
        status, err = post(server.url + "/v2/models/slow/infer", body, headers)
        assert status == 504, err
        assert "did not finish within 300 ms" in err["error"]
        # Still alive and answering.
        assert urllib.request.urlopen(server.url + "/v2/health/live", timeout=10).status == 200
    finally:
        server.stop()


def test_each_request_times_out_at_its_own_deadline(env):
    # One timer serves every deadline (armed for the oldest unanswered request). An answered request
    # goes first; 200 ms later four slow ones arrive (about 2 s each, one worker: two in the worker,
    # two still queued). Each must get its 504 although the timer first fired for the answered one.
    server = Server({"models": [{"name": "slow", "path": env["models"]["slow"]["path"], "threads": {"workers": 1}}],
                     "requestTimeoutMs": 400}, env["folder"])
    try:
        one_row = json.dumps({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 512], "data": [1.0] * 512}]}).encode()
        assert post(server.url + "/v2/models/slow/infer", one_row)[0] == 200
        threading.Event().wait(0.2)
        body, headers = slow_body(2048)
        answers = []
        threads = [threading.Thread(target=lambda: answers.append(post(server.url + "/v2/models/slow/infer", body, headers)))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert [status for status, _ in answers] == [504] * 4, answers
        queued = [err["error"].endswith("(still queued)") for _, err in answers]
        assert any(queued) and not all(queued), answers
    finally:
        server.stop()


def _client_process(hostport, offset, n, queue):
    # A separate OS process: its own tritonclient, its own distinctive rows.
    c = httpclient.InferenceServerClient(hostport, concurrency=8)
    pending = []
    for i in range(n):
        v = float(offset + i)
        x = np.full((1, 3), v, dtype=np.float32)
        inp = httpclient.InferInput("x", [1, 3], "FP32")
        inp.set_data_from_numpy(x)
        pending.append((v, c.async_infer("identity_fp32", [inp])))
    wrong = 0
    for v, p in pending:
        y = p.get_result().as_numpy("y")
        if y.shape != (1, 3) or not np.all(y == v):
            wrong += 1
    c.close()
    queue.put(wrong)


def metric(url, name, labels):
    text = urllib.request.urlopen(url + "/metrics", timeout=10).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_two_client_processes_get_their_own_batched_answers(env):
    url = env["server"].url
    before_batches = metric(url, "mlwb_inference_batch_size_count", {"model": "identity_fp32"})
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_client_process, args=(env["server"].hostport, k * 100000, 300, q)) for k in range(2)]
    for p in procs:
        p.start()
    wrong = [q.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert wrong == [0, 0]
    runs = metric(url, "mlwb_inference_batch_size_count", {"model": "identity_fp32"}) - before_batches
    # 600 requests answered by fewer session.run calls: requests were joined, and still every caller got its own rows.
    assert 0 < runs < 600, runs
    text = urllib.request.urlopen(url + "/metrics", timeout=10).read().decode()
    for name in ("mlwb_inference_requests_total", "mlwb_inference_queue_duration_seconds_bucket",
                 "mlwb_inference_compute_duration_seconds_bucket", "mlwb_inference_request_duration_seconds_bucket",
                 "mlwb_inference_batch_size_bucket", "mlwb_inference_requests_in_flight"):
        assert name in text, name
    assert metric(url, "mlwb_inference_requests_total", {"model": "identity_fp32", "status": "200"}) >= 600


def read_request_log(path):
    """Records of one request log file, decoded from the format docs/server.md specifies (not from our TypeScript)."""
    with open(path, "rb") as fh:
        buf = fh.read()
    assert buf[:8] == b"MLWBREQ\x01", buf[:8]
    records, at = [], 8
    while at + 72 <= len(buf):
        sync, length = struct.unpack_from("<II", buf, at)
        assert sync == 0x4345521E, (at, sync)
        if at + length > len(buf):
            break  # the server is writing this frame (the server runs on): a torn tail, skipped
        time_ms, latency, queue, inference = struct.unpack_from("<dddd", buf, at + 8)
        status, flags, model_len, version_len = struct.unpack_from("<HHHH", buf, at + 40)
        req_len, req_json, res_len, res_json, extra_len, _ = struct.unpack_from("<IIIIII", buf, at + 48)
        assert 72 + model_len + version_len + req_len + res_len + extra_len + 4 == length
        assert struct.unpack_from("<I", buf, at + length - 4)[0] == length
        p = at + 72
        r = {"time_ms": time_ms, "status": status, "latency_ms": latency, "flags": flags}
        r["model"] = buf[p:p + model_len].decode()
        p += model_len
        r["version"] = buf[p:p + version_len].decode()
        p += version_len
        if flags & 1 and not flags & 4:
            r["request"] = json.loads(buf[p:p + req_json])
        p += req_len
        if flags & 2 and not flags & 4:
            r["response"] = json.loads(buf[p:p + res_json])
        p += res_len
        if extra_len:
            r.update(json.loads(buf[p:p + extra_len]))
        if queue == queue:  # not NaN
            r["queue_ms"] = queue
        records.append(r)
        at += length
    return records


def test_request_log_is_sampled_rotated_and_parseable(env):
    logdir = os.path.join(env["folder"], "log")
    files = sorted(os.listdir(logdir))
    assert "requests.bin" in files and "requests.1.bin" in files
    assert "requests.3.bin" not in files  # maxFiles 2
    records = []
    for f in files:
        assert os.path.getsize(os.path.join(logdir, f)) <= 4096 + 2048
        records += read_request_log(os.path.join(logdir, f))
    ok = [r for r in records if r["status"] == 200]
    # Each record carries the request and the answer as sent (docs/server.md, "Request log"), or only
    # the tensors' names and shapes when they were too large.
    assert ok and all({"time_ms", "model", "version", "latency_ms"} <= set(r) for r in ok)
    assert all({"request", "response"} <= set(r) or (r.get("truncated") and {"inputs", "outputs"} <= set(r)) for r in ok)
    assert any(r.get("request", {}).get("inputs") and r["response"].get("outputs") for r in ok)
    errors = [r for r in records if r["status"] >= 400]
    assert all("error" in r for r in errors)


def test_bearer_token_and_warning_for_other_hosts(env):
    models = env["models"]
    server = Server({"models": [{"name": "iris", "path": models["iris"]["path"]}], "token": "s3cret", "host": "0.0.0.0"}, env["folder"])
    try:
        url = server.url.replace("0.0.0.0", "127.0.0.1")
        body = json.dumps({"inputs": [{"name": "X", "datatype": "FP32", "shape": [1, 4], "data": [1, 2, 3, 4]}]}).encode()
        assert post(url + "/v2/models/iris/infer", body)[0] == 401
        assert post(url + "/v2/models/iris/infer", body, {"Authorization": "Bearer wrong"})[0] == 401
        assert post(url + "/v2/models/iris/infer", body, {"Authorization": "Bearer s3cret"})[0] == 200
        assert urllib.request.urlopen(url + "/v2/health/ready", timeout=10).status == 200
        c = httpclient.InferenceServerClient(url[len("http://"):])
        assert c.get_model_metadata("iris", headers={"Authorization": "Bearer s3cret"})["name"] == "iris"
        c.close()
    finally:
        server.stop()
    assert "warning: binding 0.0.0.0, not loopback" in server.stderr


def test_sigterm_drains_in_flight_requests_and_health_answers_while_busy(env):
    models = env["models"]
    server = Server({"models": [{"name": "slow", "path": models["slow"]["path"]}]}, env["folder"])
    try:
        body, headers = slow_body(2048)
        result = {}

        def slow_call():
            result["answer"] = post_raw(server.url + "/v2/models/slow/infer", body, headers)

        t = threading.Thread(target=slow_call)
        t.start()
        wait_in_flight(server.url, "slow")
        # The model is working on another thread: health and metrics still answer meanwhile.
        assert urllib.request.urlopen(server.url + "/v2/health/live", timeout=10).status == 200
        assert metric(server.url, "mlwb_inference_requests_in_flight", {"model": "slow"}) == 1
        server.proc.send_signal(signal.SIGTERM)
        t.join(60)
        status, headers, payload = result["answer"]
        assert status == 200
        n = int(headers["Inference-Header-Content-Length"])
        assert json.loads(payload[:n])["outputs"][0]["shape"] == [2048, 512]
        assert server.proc.wait(30) == 0
        assert "draining" in server.proc.stdout.read()
    finally:
        server.stop()


def post_raw(url, body, headers):
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def wait_in_flight(url, model):
    import time
    deadline = time.time() + 30
    while time.time() < deadline:
        if metric(url, "mlwb_inference_requests_in_flight", {"model": model}) >= 1:
            return
        time.sleep(0.02)
    raise AssertionError("the request never became in-flight")
