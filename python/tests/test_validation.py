import unittest

from mlwb import MlwbError, validation


class KeyTest(unittest.TestCase):
    def test_valid_keys(self):
        for key in ("loss", "val/acc", "a-b_c.d e", "x" * 250, "précision", "layer.0/weight"):
            self.assertEqual(validation.validate_key("metric", key), key)

    def test_invalid_keys(self):
        cases = {
            "": "must not be empty",
            "x" * 251: "limit is 250",
            "a!b": "only letters",
            "a\nb": "only letters",
            'a"b': "only letters",
            "a//b": "resolve",
            "a/../b": "resolve",
            "./a": "resolve",
            "a/": "resolve",
        }
        for key, message in cases.items():
            with self.assertRaises(MlwbError) as cm:
                validation.validate_key("param", key)
            self.assertIn(message, str(cm.exception), key)
            self.assertIn("param", str(cm.exception))
        with self.assertRaisesRegex(MlwbError, "must be a string"):
            validation.validate_key("tag", 3)

    def test_error_is_a_value_error(self):
        self.assertTrue(issubclass(MlwbError, ValueError))


class ValueTest(unittest.TestCase):
    def test_param_value_limit(self):
        self.assertEqual(validation.new_params({"p": "x" * 6000}, {}), {"p": "x" * 6000})
        with self.assertRaisesRegex(MlwbError, "'p'.*6001.*6000"):
            validation.new_params({"p": "x" * 6001}, {})

    def test_tag_value_limit(self):
        self.assertEqual(validation.tags({"t": "x" * 8000}), {"t": "x" * 8000})
        with self.assertRaisesRegex(MlwbError, "'t'.*8001.*8000"):
            validation.tags({"t": "x" * 8001})

    def test_values_are_stringified(self):
        self.assertEqual(validation.new_params({"a": 1, "b": 0.5, "c": None, "d": [1]}, {}),
                         {"a": "1", "b": "0.5", "c": "None", "d": "[1]"})
        self.assertEqual(validation.tags({"t": True}), {"t": "True"})

    def test_param_conflict_names_key_and_both_values(self):
        existing = {"lr": "0.1"}
        self.assertEqual(validation.new_params({"lr": 0.1}, existing), {})
        with self.assertRaises(MlwbError) as cm:
            validation.new_params({"lr": 0.2}, existing)
        message = str(cm.exception)
        for part in ("'lr'", "'0.1'", "'0.2'"):
            self.assertIn(part, message)

    def test_mapping_required(self):
        with self.assertRaisesRegex(MlwbError, "mapping"):
            validation.new_params([("a", 1)], {})
        with self.assertRaisesRegex(MlwbError, "mapping"):
            validation.tags("a=1")

    def test_metric_values(self):
        class Scalar:
            def __float__(self):
                return 2.5

        self.assertEqual(validation.metric_value("m", 3), 3.0)
        self.assertEqual(validation.metric_value("m", True), 1.0)
        self.assertEqual(validation.metric_value("m", Scalar()), 2.5)
        for bad in ("1.5", b"1", None, [1.0], object(), 10**400):
            with self.assertRaises(MlwbError) as cm:
                validation.metric_value("m", bad)
            self.assertIn("'m'", str(cm.exception))
            self.assertIn("number", str(cm.exception))

    def test_steps(self):
        self.assertEqual(validation.step(3), 3)
        self.assertEqual(validation.step(4.0), 4)
        for bad in ("3", 1.5, None):
            with self.assertRaisesRegex(MlwbError, "step must be an integer"):
                validation.step(bad)

    def test_status(self):
        for status in ("finished", "failed", "killed"):
            self.assertEqual(validation.end_status(status), status)
        with self.assertRaisesRegex(MlwbError, "running"):
            validation.end_status("running")


if __name__ == "__main__":
    unittest.main()
