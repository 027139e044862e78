"""Content-addressed code objects, script capture and the notebook path/cell helpers."""

import hashlib
import os
import types
from pathlib import Path
from unittest import mock

from mlwb import codeversion, notebook
from tests.support import TempDirTest, WorkspaceTest, read_events, run_script


class ObjectsTest(TempDirTest):
    def test_put_is_content_addressed_atomic_and_idempotent(self):
        objects = self.tmp / "objects"
        sha = codeversion.put_bytes(objects, b"print(1)\n")
        self.assertEqual(sha, hashlib.sha256(b"print(1)\n").hexdigest())
        path = objects / sha[:2] / sha[2:]
        self.assertEqual(path.read_bytes(), b"print(1)\n")
        mtime = path.stat().st_mtime_ns
        self.assertEqual(codeversion.put_bytes(objects, b"print(1)\n"), sha)
        self.assertEqual(path.stat().st_mtime_ns, mtime)  # present: not rewritten
        self.assertEqual(os.listdir(objects / "tmp"), [])  # no temp file left behind
        self.assertEqual(len(sha), 64)

    def test_large_files_are_not_stored(self):
        script = self.tmp / "big.py"
        script.write_bytes(b"#" * 100)
        with mock.patch.object(codeversion, "MAX_CODE_BYTES", 10):
            code = codeversion.capture({"kind": "script", "path": str(script)}, self.tmp)
        self.assertIsNone(code["object"])
        self.assertIn("larger than 10 bytes", code["error"])

    def test_no_code_for_a_plain_interactive_session(self):
        self.assertIsNone(codeversion.capture({"kind": "interactive", "path": None}, self.tmp))


class ScriptCaptureTest(WorkspaceTest):
    def test_a_script_run_keeps_its_source_once(self):
        code = "import mlwb\nwith mlwb.start_run(name='s'):\n    pass\n"
        for _ in range(2):
            proc = run_script(self.tmp, code, self.workspace)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        sha = hashlib.sha256(code.encode()).hexdigest()
        refs = [read_events(d)[0]["context"]["code"] for d in sorted((self.workspace / "runs").iterdir())]
        self.assertEqual(len(refs), 2)
        for ref in refs:
            self.assertEqual(ref, {"kind": "script", "path": str(self.tmp / "script.py"), "object": sha,
                                   "size": len(code), "cell": None})
        stored = [p for p in (self.workspace / "objects").rglob("*") if p.is_file()]
        self.assertEqual(stored, [self.workspace / "objects" / sha[:2] / sha[2:]])

    def test_capture_can_be_turned_off(self):
        proc = run_script(self.tmp, "import mlwb\nmlwb.start_run()\n", self.workspace, env={"MLWB_CAPTURE_CODE": "0"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        start = read_events(next((self.workspace / "runs").iterdir()))[0]
        self.assertNotIn("code", start["context"])
        self.assertFalse((self.workspace / "objects").exists())


class NotebookHelpersTest(TempDirTest):
    def test_path_sources_in_order(self):
        os.chdir(self.tmp)
        for name in ("a.ipynb", "b.ipynb", "c.ipynb"):
            (self.tmp / name).write_text("{}")
        shell = types.SimpleNamespace(user_ns={"__vsc_ipynb_file__": str(self.tmp / "b.ipynb")})
        os.environ["JPY_SESSION_NAME"] = "c.ipynb"
        self.assertEqual(notebook.notebook_path(shell), str(self.tmp / "b.ipynb"))
        os.environ["MLWB_NOTEBOOK_PATH"] = str(self.tmp / "a.ipynb")
        self.assertEqual(notebook.notebook_path(shell), str(self.tmp / "a.ipynb"))
        del os.environ["MLWB_NOTEBOOK_PATH"]
        self.assertEqual(notebook.notebook_path(types.SimpleNamespace(user_ns={})), str(self.tmp / "c.ipynb"))
        # A name that does not exist (an untitled notebook) is no path at all.
        os.environ["JPY_SESSION_NAME"] = "Untitled-1.ipynb"
        self.assertIsNone(notebook.notebook_path(types.SimpleNamespace(user_ns={"__session__": "nope.ipynb"})))

    def test_source_hash_ignores_line_ends_and_trailing_space(self):
        self.assertEqual(notebook.source_hash("a = 1\r\nb = 2\n\n"), notebook.source_hash("a = 1\nb = 2"))
        self.assertNotEqual(notebook.source_hash("a = 1"), notebook.source_hash("a = 2"))

    def test_saved_index_tells_whether_the_file_has_the_cell(self):
        nb = Path(self.tmp / "n.ipynb")
        nb.write_text('{"cells": [{"source": ["x = 1\\n", "y = 2"]}, {"source": "z = 3"}]}')
        cell = {"source": "z = 3\n", "id": "c1", "execution_count": 4}
        code = codeversion.capture({"kind": "notebook", "path": str(nb)}, self.tmp, cell)
        self.assertEqual(code["cell"]["saved_index"], 1)
        self.assertEqual(code["cell"]["id"], "c1")
        code = codeversion.capture({"kind": "notebook", "path": str(nb)}, self.tmp, {"source": "edited"})
        self.assertIsNone(code["cell"]["saved_index"])
