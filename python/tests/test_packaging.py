"""Python 3.9 syntax, the benchmark script, and the package metadata."""

import ast
import json
import subprocess
import sys
import unittest

from tests.support import PYTHON_DIR, TempDirTest, script_env

import mlwb


class SourceCompatibilityTest(unittest.TestCase):
    def test_sources_parse_as_python_3_9(self):
        files = sorted((PYTHON_DIR / "mlwb").glob("*.py")) + [PYTHON_DIR / "bench_client.py"]
        self.assertGreater(len(files), 5)
        for path in files:
            ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=(3, 9))

    def test_version_matches_pyproject(self):
        text = (PYTHON_DIR / "pyproject.toml").read_text(encoding="utf-8")
        self.assertIn(f'version = "{mlwb.__version__}"', text)
        self.assertIn('name = "mlwb"', text)


class BenchScriptTest(TempDirTest):
    def test_small_run_prints_one_json_line(self):
        workspace = self.tmp / ".mlwb"
        proc = subprocess.run([sys.executable, str(PYTHON_DIR / "bench_client.py"), "2000"],
                              env=script_env(workspace), cwd=str(self.tmp),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        self.assertEqual(result["points"], 2000)
        self.assertGreater(result["seconds"], 0)
        self.assertIn("us_per_call", result)
        events = (workspace / "runs" / result["run_id"] / "events.jsonl").read_text().splitlines()
        self.assertEqual(len(events), 2002)

    def test_requires_mlwb_dir(self):
        env = script_env(self.tmp / ".mlwb")
        del env["MLWB_DIR"]
        proc = subprocess.run([sys.executable, str(PYTHON_DIR / "bench_client.py"), "10"], env=env,
                              cwd=str(self.tmp), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("MLWB_DIR", proc.stderr)
        self.assertFalse((self.tmp / ".mlwb").exists())


if __name__ == "__main__":
    unittest.main()
