import os
import re
import time

from tests.support import TempDirTest

from mlwb.workspace import create_run_dir, find_workspace, new_run_id


class WorkspaceDiscoveryTest(TempDirTest):
    def setUp(self):
        super().setUp()
        for ancestor in self.tmp.parents:
            if (ancestor / ".mlwb").exists() or (ancestor / ".git").exists():
                self.skipTest(f"{ancestor} holds a .mlwb or .git folder, discovery would find it")

    def test_env_wins_over_an_existing_folder(self):
        (self.tmp / ".mlwb").mkdir()
        target = self.tmp / "elsewhere" / ".mlwb"
        os.environ["MLWB_DIR"] = str(target)
        self.assertEqual(find_workspace(self.tmp), target)
        self.assertTrue(target.is_dir())

    def test_relative_env_is_resolved_against_cwd(self):
        os.environ["MLWB_DIR"] = "rel/.mlwb"
        self.assertEqual(find_workspace(self.tmp), self.tmp / "rel" / ".mlwb")

    def test_walks_up_to_the_nearest_workspace(self):
        (self.tmp / ".mlwb").mkdir()
        (self.tmp / "a" / ".mlwb").mkdir(parents=True)
        deep = self.tmp / "a" / "b" / "c"
        deep.mkdir(parents=True)
        self.assertEqual(find_workspace(deep), self.tmp / "a" / ".mlwb")
        self.assertEqual(find_workspace(self.tmp / "a"), self.tmp / "a" / ".mlwb")

    def test_uses_cwd_by_default(self):
        (self.tmp / ".mlwb").mkdir()
        sub = self.tmp / "sub"
        sub.mkdir()
        os.chdir(sub)
        self.assertEqual(find_workspace(), self.tmp / ".mlwb")

    def test_creates_at_git_root(self):
        repo = self.tmp / "repo"
        (repo / ".git").mkdir(parents=True)
        deep = repo / "src" / "pkg"
        deep.mkdir(parents=True)
        self.assertEqual(find_workspace(deep), repo / ".mlwb")
        self.assertTrue((repo / ".mlwb").is_dir())
        self.assertFalse((deep / ".mlwb").exists())

    def test_git_file_marks_a_worktree_root(self):
        repo = self.tmp / "wt"
        repo.mkdir()
        (repo / ".git").write_text("gitdir: /somewhere/else\n")
        (repo / "x").mkdir()
        self.assertEqual(find_workspace(repo / "x"), repo / ".mlwb")

    def test_creates_in_cwd_without_git(self):
        d = self.tmp / "plain"
        d.mkdir()
        self.assertEqual(find_workspace(d), d / ".mlwb")
        self.assertTrue((d / ".mlwb").is_dir())

    def test_create_false_does_not_touch_disk(self):
        d = self.tmp / "plain"
        d.mkdir()
        self.assertEqual(find_workspace(d, create=False), d / ".mlwb")
        self.assertFalse((d / ".mlwb").exists())


class RunIdTest(TempDirTest):
    def test_format_encodes_creation_time(self):
        before = time.time_ns() // 1_000_000
        run_id = new_run_id()
        after = time.time_ns() // 1_000_000
        self.assertRegex(run_id, r"^[0-9a-f]{20}$")
        self.assertTrue(before <= int(run_id[:12], 16) <= after)

    def test_ids_sort_by_creation_time(self):
        ids = [new_run_id(ms) for ms in (1, 2, 15, 16, 255, 256, 1700000000000, 1700000000001, 16**12 - 1)]
        self.assertEqual(sorted(ids), ids)
        real = []
        for _ in range(5):
            real.append(new_run_id())
            time.sleep(0.002)
        self.assertEqual(sorted(real), real)

    def test_random_part_differs(self):
        ids = {new_run_id(1700000000000) for _ in range(100)}
        self.assertEqual(len(ids), 100)

    def test_create_run_dir(self):
        ws = self.tmp / ".mlwb"
        run_id, run_dir = create_run_dir(ws)
        self.assertEqual(run_dir, ws / "runs" / run_id)
        self.assertTrue((run_dir / "artifacts").is_dir())
        self.assertTrue(re.match(r"^[0-9a-f]{20}$", run_id))


if __name__ == "__main__":
    import unittest

    unittest.main()
