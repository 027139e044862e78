"""IPython magics, exercised in a child process with a real InteractiveShell."""

import importlib.util
import json
import subprocess
import sys
import unittest

from tests.support import TempDirTest, read_events, run_dirs, script_env, write_script

HAVE_IPYTHON = importlib.util.find_spec("IPython") is not None

DRIVER = r'''
import json, sys
from IPython.core.interactiveshell import InteractiveShell

ip = InteractiveShell.instance()
results = {}

def cell(name, source, cell_id=None):
    r = ip.run_cell(source, store_history=True, cell_id=cell_id)
    results[name] = {
        "error": type(r.error_in_exec or r.error_before_exec).__name__
                 if (r.error_in_exec or r.error_before_exec) else None,
        "result": repr(r.result),
    }

cell("load", "%load_ext mlwb")
cell("ok", """%%mlwb_run --experiment E --name good --param lr=0.1 --param layers=3
x = 20
%mlwb_log loss=0.5 acc=1 optimizer=adam
print("inside")
x + 1
""")
cell("after_ok", "import mlwb; assert mlwb.active_run() is None")
cell("fail", """%%mlwb_run --name bad
y = 1
raise ValueError("bad value")
""")
cell("log_without_run", "%mlwb_log a=1")
cell("bad_args", "%%mlwb_run --bogus\npass")
cell("bad_pair", "%%mlwb_run --param novalue\npass")
cell("expand", """%%mlwb_run --name expand
val = 0.25
%mlwb_log score={val}
%mlwb_log mode=a
%mlwb_log mode=b
""")
cell("start", "%mlwb_start --name span -p a=1", cell_id="vscode-notebook-cell:/nb.ipynb#W1")
cell("start_again", "%mlwb_start --name nested")
cell("span_body", "%mlwb_log m=2", cell_id="vscode-notebook-cell:/nb.ipynb#W2")
cell("end_bad", "%mlwb_end --status weird")
cell("end", "%mlwb_end --status killed")
cell("end_none", "%mlwb_end")
sys.__stdout__.write("RESULTS " + json.dumps(results) + "\n")
'''


@unittest.skipUnless(HAVE_IPYTHON, "IPython is not installed")
class MagicsTest(TempDirTest):
    def test_magics(self):
        workspace = self.tmp / ".mlwb"
        path = write_script(self.tmp, DRIVER, "driver.py")
        proc = subprocess.run([sys.executable, str(path)], cwd=str(self.tmp), env=script_env(workspace),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        line = [l for l in proc.stdout.splitlines() if l.startswith("RESULTS ")][-1]
        results = json.loads(line[len("RESULTS "):])
        out = proc.stdout

        self.assertIsNone(results["load"]["error"])
        self.assertIsNone(results["ok"]["error"])
        self.assertEqual(results["ok"]["result"], "21")
        self.assertIsNone(results["after_ok"]["error"])
        self.assertEqual(results["fail"]["error"], "ValueError")
        self.assertEqual(results["log_without_run"]["error"], "UsageError")
        self.assertEqual(results["bad_args"]["error"], "UsageError")
        self.assertEqual(results["bad_pair"]["error"], "UsageError")
        self.assertEqual(results["expand"]["error"], "UsageError")  # param 'mode' changed value

        runs = {read_events(d)[0]["name"]: d for d in run_dirs(workspace)}
        self.assertEqual(sorted(runs), ["bad", "expand", "good", "span"])

        good = read_events(runs["good"])
        self.assertEqual(good[0]["experiment"], "E")
        self.assertEqual(good[0]["params"], {"lr": "0.1", "layers": "3"})
        metrics = [e for e in good if e["type"] == "metrics"]
        self.assertEqual(metrics[0]["values"], {"loss": 0.5, "acc": 1.0})
        self.assertEqual([e["params"] for e in good if e["type"] == "params"], [{"optimizer": "adam"}])
        self.assertEqual(good[-1]["status"], "finished")
        self.assertIn({"type": "artifact", "ts": next(e["ts"] for e in good if e["type"] == "artifact"),
                       "path": "cell.py", "size": len(
                           (runs["good"] / "artifacts" / "cell.py").read_bytes())}, good)
        self.assertIn("%mlwb_log loss=0.5", (runs["good"] / "artifacts" / "cell.py").read_text())
        self.assertIn("inside", (runs["good"] / "output.log").read_text())
        self.assertIn(f"mlwb: run good ({runs['good'].name}) finished in ", out)
        self.assertIn(f"· experiment E · mlwb runs show {runs['good'].name}", out)
        # A terminal IPython has no notebook file, but the cell that ran is kept.
        code = good[0]["context"]["code"]
        self.assertEqual((code["kind"], code["path"], code["object"]), ("interactive", None, None))
        self.assertEqual(code["cell"]["execution_count"], 2)

        bad = read_events(runs["bad"])
        self.assertEqual((bad[-1]["status"], bad[-1]["error"]), ("failed", "ValueError: bad value"))
        self.assertIn(f"mlwb: run bad ({runs['bad'].name}) failed", out)

        expand = read_events(runs["expand"])
        self.assertEqual([e["values"] for e in expand if e["type"] == "metrics"], [{"score": 0.25}])
        self.assertEqual([e["params"] for e in expand if e["type"] == "params"], [{"mode": "a"}])
        self.assertEqual(expand[-1]["status"], "failed")
        self.assertIn("'mode'", expand[-1]["error"])

        for name in ("start", "span_body", "end"):
            self.assertIsNone(results[name]["error"], name)
        self.assertEqual(results["start_again"]["error"], "UsageError")
        self.assertEqual(results["end_bad"]["error"], "UsageError")
        self.assertEqual(results["end_none"]["error"], "UsageError")
        span = read_events(runs["span"])
        self.assertEqual(span[-1]["status"], "killed")
        self.assertEqual(span[0]["context"]["code"]["cell"]["id"], "vscode-notebook-cell:/nb.ipynb#W1")
        cells = json.loads((runs["span"] / "artifacts" / "notebook_cells.json").read_text())
        # The cell that started the span, the body, the failed %mlwb_end, and the real one.
        self.assertEqual([c["id"] for c in cells],
                         ["vscode-notebook-cell:/nb.ipynb#W1", None, "vscode-notebook-cell:/nb.ipynb#W2", None, None])
        self.assertIn(f"mlwb: run span ({runs['span'].name}) started", out)
        self.assertIn(f"mlwb: run span ({runs['span'].name}) killed in ", out)


class ImportTest(TempDirTest):
    def test_importing_mlwb_does_not_import_ipython(self):
        proc = subprocess.run([sys.executable, "-c", "import sys, mlwb; print('IPython' in sys.modules)"],
                              env=script_env(self.tmp / ".mlwb"), stdout=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual(proc.stdout.strip(), "False")


if __name__ == "__main__":
    unittest.main()
