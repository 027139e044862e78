"""Real notebooks executed headless (nbclient + ipykernel) with the magics; checks runs and stored code."""

import hashlib
import json
import os
import unittest
from pathlib import Path

from tests.notebook_support import execute_notebook, missing_reason, outputs_text, write_notebook
from tests.support import TempDirTest, read_events, run_dirs

SKIP = missing_reason()

CELLS = [
    "%load_ext mlwb",
    "%%mlwb_run --experiment nb --name good --param lr=0.1\nimport mlwb\nfor i in range(3):\n    mlwb.log_metric('loss', 1.0 / (i + 1))\n'done'",
    "%%mlwb_run --experiment nb --name broken\nraise ValueError('bad cell')",
    "%mlwb_start --experiment nb --name span --param epochs=2",
    "x = 41\n%mlwb_log acc=0.9",
    "x += 1\nmlwb.log_metric('acc', 0.95)",
    "%mlwb_end",
    "print(mlwb.active_run())",
]


def obj(workspace: Path, sha: str) -> Path:
    return workspace / "objects" / sha[:2] / sha[2:]


@unittest.skipIf(SKIP, f"cannot execute notebooks: {SKIP}")
class NotebookRunsTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.workspace = self.tmp / ".mlwb"
        self.env = {"MLWB_DIR": str(self.workspace), "MLWB_CAPTURE_ENV": "0"}

    def runs(self):
        return {read_events(d)[0]["name"]: (d, read_events(d)) for d in run_dirs(self.workspace)}

    def test_magics_in_a_real_kernel(self):
        path = self.tmp / "train.ipynb"
        write_notebook(path, CELLS, raises=[2])
        saved = path.read_bytes()
        nb = execute_notebook(path, {**self.env, "JPY_SESSION_NAME": str(path)})
        runs = self.runs()
        self.assertEqual(sorted(runs), ["broken", "good", "span"])

        good_dir, good = runs["good"]
        self.assertEqual(good[-1]["status"], "finished")
        self.assertEqual([e["value"] for e in good if e["type"] == "metric"], [1.0, 0.5, 1.0 / 3])
        self.assertIn(f"mlwb: run good ({good_dir.name}) finished in", outputs_text(nb.cells[1]))
        self.assertIn("'done'", outputs_text(nb.cells[1]))

        ctx = good[0]["context"]
        self.assertEqual(ctx["source"], {"path": str(path), "kind": "notebook"})
        code = ctx["code"]
        self.assertEqual((code["kind"], code["path"], code["size"]), ("notebook", str(path), len(saved)))
        # The whole .ipynb as it was saved when the cell ran, content-addressed.
        self.assertEqual(code["object"], hashlib.sha256(saved).hexdigest())
        self.assertEqual(obj(self.workspace, code["object"]).read_bytes(), saved)
        cell = code["cell"]
        self.assertEqual(obj(self.workspace, cell["object"]).read_text(), CELLS[1])
        self.assertEqual(cell["source_hash"], hashlib.sha256(CELLS[1].encode()).hexdigest())
        self.assertEqual((cell["saved_index"], cell["execution_count"]), (1, 2))

        broken = runs["broken"][1]
        self.assertEqual((broken[-1]["status"], broken[-1]["error"]), ("failed", "ValueError: bad cell"))
        self.assertIn("ValueError", outputs_text(nb.cells[2]))
        # Identical notebook bytes are stored once however many runs use them.
        self.assertEqual(broken[0]["context"]["code"]["object"], code["object"])

        span_dir, span = runs["span"]
        self.assertEqual(span[-1]["status"], "finished")
        self.assertEqual([e.get("values") for e in span if e["type"] == "metrics"], [{"acc": 0.9}])
        self.assertEqual([e["value"] for e in span if e["type"] == "metric"], [0.95])
        self.assertEqual(span[0]["params"], {"epochs": "2"})
        cells = json.loads((span_dir / "artifacts" / "notebook_cells.json").read_text())
        self.assertEqual([c["execution_count"] for c in cells], [4, 5, 6, 7])
        self.assertEqual([obj(self.workspace, c["object"]).read_text() for c in cells], CELLS[3:7])
        self.assertIn("None", outputs_text(nb.cells[7]))  # the span really ended

    def test_notebook_path_sources(self):
        """VS Code's __vsc_ipynb_file__, and MLWB_NOTEBOOK_PATH over JPY_SESSION_NAME."""
        sub = self.tmp / "nbs"
        sub.mkdir()
        vsc = sub / "vsc.ipynb"
        write_notebook(vsc, [f"__vsc_ipynb_file__ = {str(vsc)!r}\n%load_ext mlwb", "%%mlwb_run --name vsc\npass"])
        execute_notebook(vsc, self.env)
        other = sub / "other.ipynb"
        write_notebook(other, ["%load_ext mlwb", "%%mlwb_run --name explicit\npass"])
        execute_notebook(other, {**self.env, "MLWB_NOTEBOOK_PATH": str(other), "JPY_SESSION_NAME": "nbs/vsc.ipynb"})
        # A relative JPY_SESSION_NAME (Jupyter Server's root-relative form) is found from the kernel's cwd.
        execute_notebook(other, {**self.env, "JPY_SESSION_NAME": "nbs/other.ipynb"})
        unknown = sub / "unknown.ipynb"
        write_notebook(unknown, ["%load_ext mlwb", "%%mlwb_run --name unknown\npass"])
        execute_notebook(unknown, self.env)
        paths = sorted((e[0]["name"], e[0]["context"]["source"]["path"]) for _, e in
                       [(d, read_events(d)) for d in run_dirs(self.workspace)])
        self.assertEqual(paths, [("explicit", str(other)), ("explicit", str(other)), ("unknown", None), ("vsc", str(vsc))])
        # Without a path the executed cell is still kept.
        unknown_run = [read_events(d) for d in run_dirs(self.workspace) if read_events(d)[0]["name"] == "unknown"][0]
        code = unknown_run[0]["context"]["code"]
        self.assertIsNone(code["object"])
        self.assertEqual(obj(self.workspace, code["cell"]["object"]).read_text(), "%%mlwb_run --name unknown\npass")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    unittest.main()
