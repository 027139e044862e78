"""run.log_model: ONNX artifacts, sample inputs and register requests (real scikit-learn and onnx)."""

import json
import subprocess
import sys
from pathlib import Path
from unittest import mock

import mlwb
from mlwb import MlwbError
from tests.support import PYTHON_DIR, WorkspaceTest

np = __import__("numpy")


def _iris():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    X = X.astype(np.float32)
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y), X


class LogModelTest(WorkspaceTest):
    def requests(self):
        d = self.workspace / "models" / ".requests"
        return sorted(d.glob("*.json")) if d.is_dir() else []

    def test_sklearn_pipeline_becomes_onnx_with_tensor_outputs_and_a_register_request(self):
        import onnxruntime as ort

        pipe, X = _iris()
        with mlwb.start_run(name="train") as run:
            info = run.log_model(pipe, name="iris", sample_input=X[:3], alias="champion")
        self.assertEqual(info["artifact"], "models/iris/model.onnx")
        onnx_file = run.dir / "artifacts" / info["artifact"]
        sess = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
        label, proba = sess.run(None, {sess.get_inputs()[0].name: X[:5]})
        np.testing.assert_allclose(proba, pipe.predict_proba(X[:5]), rtol=1e-4, atol=1e-5)
        np.testing.assert_array_equal(label, pipe.predict(X[:5]))
        sample = json.loads((run.dir / "artifacts" / "models/iris/sample_input.json").read_text())
        self.assertEqual(sample["inputs"][0]["datatype"], "FP32")
        self.assertEqual(sample["inputs"][0]["shape"], [3, 4])
        self.assertEqual(len(sample["inputs"][0]["data"]), 12)
        [req] = self.requests()
        body = json.loads(req.read_text())
        self.assertEqual(body, {"v": 1, "name": "iris", "run_id": run.id, "artifact": "models/iris/model.onnx",
                                "sample_input": "models/iris/sample_input.json", "alias": "champion"})
        events = [json.loads(l) for l in (run.dir / "events.jsonl").read_text().splitlines()]
        self.assertIn("models/iris/model.onnx", [e.get("path") for e in events if e["type"] == "artifact"])

    def test_an_onnx_path_or_a_folder_with_external_data_is_copied_as_is(self):
        src = self.tmp / "m.onnx"
        src.write_bytes(b"onnx bytes")
        folder = self.tmp / "big"
        (folder / "weights").mkdir(parents=True)
        (folder / "model.onnx").write_bytes(b"graph")
        (folder / "weights" / "w.bin").write_bytes(b"weights")
        with mlwb.start_run() as run:
            a = run.log_model(src, name="plain", register=False)
            b = mlwb.log_model(folder, name="ext")
        self.assertEqual(a, {"name": "plain", "artifact": "models/plain/m.onnx", "request": None})
        self.assertEqual(b["artifact"], "models/ext/big/model.onnx")
        self.assertEqual((run.dir / "artifacts/models/ext/big/weights/w.bin").read_bytes(), b"weights")
        self.assertEqual(len(self.requests()), 1)

    def test_clear_errors(self):
        pipe, X = _iris()
        with mlwb.start_run():
            with self.assertRaisesRegex(MlwbError, "model name"):
                mlwb.log_model(self.tmp, name="bad/name")
            with self.assertRaisesRegex(MlwbError, "not dict"):
                mlwb.log_model({}, name="m")
            with self.assertRaisesRegex(MlwbError, "needs sample_input"):
                mlwb.log_model(pipe, name="m")
            with mock.patch.dict(sys.modules, {"skl2onnx": None}):
                with self.assertRaisesRegex(MlwbError, "pip install skl2onnx"):
                    mlwb.log_model(pipe, name="m", sample_input=X[:2])
        self.assertEqual(self.requests(), [])

    def test_importing_the_client_loads_no_converter(self):
        code = "import sys, mlwb, mlwb.models; print(sorted(m for m in ('onnx', 'skl2onnx', 'sklearn', 'torch', 'numpy') if m in sys.modules))"
        out = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(PYTHON_DIR)}, capture_output=True, text=True, check=True)
        self.assertEqual(out.stdout.strip(), "[]")
