import json
import math
import random
import unittest

from tests.support import parse_line

from mlwb import events


class FloatFormatTest(unittest.TestCase):
    def test_non_finite_become_strings(self):
        self.assertEqual(events.fmt_float(math.nan), '"NaN"')
        self.assertEqual(events.fmt_float(math.inf), '"Infinity"')
        self.assertEqual(events.fmt_float(-math.inf), '"-Infinity"')

    def test_finite_values_round_trip_exactly(self):
        rng = random.Random(7)
        values = [0.0, -0.0, 1.0, -1.5, 1e-300, 5e-324, 1.7976931348623157e308, 1e16, 123456789.125]
        values += [rng.uniform(-1e6, 1e6) for _ in range(200)]
        values += [rng.random() * 10 ** rng.randint(-200, 200) for _ in range(200)]
        for value in values:
            line = events.metric_line(1, events.metric_prefix("loss"), value, 3)
            event = parse_line(line)
            self.assertEqual(event["value"], value)
            self.assertEqual(math.copysign(1, event["value"]), math.copysign(1, value))


class LineFormatTest(unittest.TestCase):
    def test_metric_line_is_strict_json_with_newline(self):
        for value, expected in ((0.25, 0.25), (math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity")):
            line = events.metric_line(1700000000000, events.metric_prefix("loss"), value, 3)
            self.assertTrue(line.endswith("\n"))
            self.assertEqual(line.count("\n"), 1)
            self.assertEqual(
                parse_line(line),
                {"type": "metric", "ts": 1700000000000, "key": "loss", "value": expected, "step": 3},
            )

    def test_keys_that_need_escaping(self):
        for key in ("a b/c.d-e_f", "précision", "日本語", 'quo"te', "back\\slash", "tab\t", "\u2028"):
            line = events.metric_line(1, events.metric_prefix(key), 1.0, 0)
            self.assertEqual(parse_line(line)["key"], key)
            line = events.metrics_line(1, 0, [(events.json_key(key), math.nan)])
            self.assertEqual(parse_line(line)["values"], {key: "NaN"})

    def test_metrics_line(self):
        line = events.metrics_line(5, 3, [(events.json_key("loss"), 0.25), (events.json_key("acc"), math.nan)])
        self.assertEqual(
            parse_line(line),
            {"type": "metrics", "ts": 5, "step": 3, "values": {"loss": 0.25, "acc": "NaN"}},
        )

    def test_generic_events_sanitize_nested_non_finite(self):
        line = events.dumps({"type": "x", "nested": {"a": [math.inf, 1.5, {"b": -math.inf}], "c": math.nan}})
        self.assertEqual(
            parse_line(line),
            {"type": "x", "nested": {"a": ["Infinity", 1.5, {"b": "-Infinity"}], "c": "NaN"}},
        )

    def test_run_end_error_optional(self):
        self.assertEqual(parse_line(events.run_end(1, "finished")), {"type": "run_end", "ts": 1, "status": "finished"})
        end = parse_line(events.run_end(1, "failed", 'ValueError: "bad"\nline 2'))
        self.assertEqual(end["error"], 'ValueError: "bad"\nline 2')

    def test_each_event_is_one_line(self):
        lines = [
            events.params(1, {"a": "x\ny"}),
            events.tags(1, {"t": "\r\n"}),
            events.artifact(1, "a/b.txt", 3),
            events.input_(1, "/data/x\n.csv"),
            events.heartbeat(1),
            events.run_start(1, "0" * 20, "e", "n", 1, "h", {"p": "1"}, {}, {"argv": ["a\nb"]}),
        ]
        for line in lines:
            self.assertTrue(line.endswith("\n"))
            self.assertEqual(line.count("\n"), 1, line)
            json.loads(line)

    def test_run_start_is_versioned(self):
        start = parse_line(events.run_start(1, "0" * 20, "e", "n", 42, "h", {}, {}, {}))
        self.assertEqual(start["v"], 1)
        self.assertEqual(start["type"], "run_start")


if __name__ == "__main__":
    unittest.main()
