"""Logistic regression trained by mini-batch gradient descent, in pure Python.

    python train.py --lr 0.5 --epochs 40 --name baseline

Reads data/train.csv and data/test.csv (columns x1, x2, label). When the ML Workbench
client (`mlwb`) is importable, every run is tracked: params, per-epoch metrics, the input
data and the trained weights as an artifact. Without it the script still trains and prints.

When the `onnx` package is importable, the trained model is also written as ONNX
(outputs/model.onnx: input X FP32 [n, 2] -> label INT64 [n], probability FP32 [n, 1]), and
`--register NAME [--alias A]` asks ML Workbench to validate it and register it as the next
version of model NAME, linked to this run and the data snapshot it read.
"""

import argparse
import csv
import json
import math
import os
import random

try:
    import mlwb
except ImportError:  # the script works untracked too
    mlwb = None

try:
    import onnx
    from onnx import TensorProto, helper
except ImportError:  # training and tracking work without it; only the ONNX export is skipped
    onnx = None

HERE = os.path.dirname(os.path.abspath(__file__))


def load(path):
    """Rows of a CSV with columns x1, x2, label -> (features, labels)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [[float(r["x1"]), float(r["x2"])] for r in rows], [int(r["label"]) for r in rows]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def predict(w, b, x):
    return sigmoid(sum(wi * xi for wi, xi in zip(w, x)) + b)


def evaluate(w, b, X, y):
    """Mean log loss and accuracy."""
    eps = 1e-12
    loss, correct = 0.0, 0
    for x, t in zip(X, y):
        p = predict(w, b, x)
        loss -= t * math.log(p + eps) + (1 - t) * math.log(1 - p + eps)
        correct += int((p >= 0.5) == bool(t))
    return loss / len(X), correct / len(X)


def fit(X, y, X_val, y_val, lr=0.5, epochs=40, batch_size=32, l2=0.0, seed=0, on_epoch=None):
    """Train; calls on_epoch(epoch, metrics) after every epoch. Returns (weights, bias, last metrics)."""
    w, b = [0.0] * len(X[0]), 0.0
    rng = random.Random(seed)
    order = list(range(len(X)))
    metrics = {}
    for epoch in range(1, epochs + 1):
        rng.shuffle(order)
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            grad_w, grad_b = [0.0] * len(w), 0.0
            for i in batch:
                err = predict(w, b, X[i]) - y[i]
                grad_w = [g + err * xj for g, xj in zip(grad_w, X[i])]
                grad_b += err
            n = len(batch)
            w = [wj - lr * (gj / n + l2 * wj) for wj, gj in zip(w, grad_w)]
            b -= lr * grad_b / n
        train_loss, train_acc = evaluate(w, b, X, y)
        val_loss, val_acc = evaluate(w, b, X_val, y_val)
        metrics = {"train_loss": train_loss, "train_accuracy": train_acc, "val_loss": val_loss, "val_accuracy": val_acc}
        if on_epoch:
            on_epoch(epoch, metrics)
    return w, b, metrics


def export_onnx(w, b, path):
    """The trained model as an ONNX graph: probability = sigmoid(X @ w + b), label = probability >= 0.5.

    Built with onnx's helpers from the weights this script learned, so no ML framework is needed.
    IR version 8 / opset 17 load in every onnxruntime the workbench ships.
    """
    weights = helper.make_tensor("w", TensorProto.FLOAT, [len(w), 1], [float(v) for v in w])
    bias = helper.make_tensor("b", TensorProto.FLOAT, [1], [float(b)])
    half = helper.make_tensor("half", TensorProto.FLOAT, [], [0.5])
    flat = helper.make_tensor("flat", TensorProto.INT64, [1], [-1])
    nodes = [
        helper.make_node("MatMul", ["X", "w"], ["logit_raw"]),
        helper.make_node("Add", ["logit_raw", "b"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["probability"]),
        helper.make_node("GreaterOrEqual", ["probability", "half"], ["positive"]),
        helper.make_node("Cast", ["positive"], ["label_2d"], to=TensorProto.INT64),
        helper.make_node("Reshape", ["label_2d", "flat"], ["label"]),
    ]
    graph = helper.make_graph(
        nodes,
        "logistic_regression",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", len(w)])],
        # label first: the Monitor panel charts the first output as the prediction
        [
            helper.make_tensor_value_info("label", TensorProto.INT64, ["n"]),
            helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["n", 1]),
        ],
        initializer=[weights, bias, half, flat],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8, producer_name="ml-workbench-demo")
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", default=None, help="run name shown in ML Workbench")
    parser.add_argument("--register", metavar="NAME", default=None, help="register the ONNX model as the next version of NAME")
    parser.add_argument("--alias", default=None, help="with --register: point this alias (e.g. production) at the new version")
    args = parser.parse_args()

    train_csv = os.path.join(HERE, "data", "train.csv")
    X, y = load(train_csv)
    X_val, y_val = load(os.path.join(HERE, "data", "test.csv"))
    params = {"lr": args.lr, "epochs": args.epochs, "batch_size": args.batch_size, "l2": args.l2, "seed": args.seed}

    def report(epoch, m):
        if run is not None:
            run.log_metrics(m, step=epoch)
        if epoch == 1 or epoch % 10 == 0 or epoch == args.epochs:
            print(f"epoch {epoch:3d}  loss {m['train_loss']:.4f}  val_loss {m['val_loss']:.4f}  val_acc {m['val_accuracy']:.3f}")

    run = None
    if mlwb is not None:
        run = mlwb.start_run(experiment="logistic-regression", name=args.name, params=params)
        run.log_input(train_csv)
    try:
        w, b, final = fit(X, y, X_val, y_val, args.lr, args.epochs, args.batch_size, args.l2, args.seed, report)
        os.makedirs(os.path.join(HERE, "outputs"), exist_ok=True)
        model_path = os.path.join(HERE, "outputs", "model.json")
        with open(model_path, "w") as f:
            json.dump({"weights": w, "bias": b, "features": ["x1", "x2"]}, f, indent=2)
        if run is not None:
            run.log_artifact(model_path)
            run.set_tag("model", "logistic-regression")
        if onnx is None:
            print("onnx is not installed: outputs/model.onnx not written, nothing to register (pip install onnx)")
        else:
            onnx_path = os.path.join(HERE, "outputs", "model.onnx")
            export_onnx(w, b, onnx_path)
            print(f"wrote {os.path.relpath(onnx_path, HERE)}")
            if run is not None and args.register:
                # Validation needs onnxruntime, which lives in the workbench: this leaves a request that
                # VS Code (or any `mlwb models` command) validates and registers.
                logged = run.log_model(onnx_path, name=args.register, sample_input=X_val[:2], alias=args.alias)
                print(f"logged model {logged['name']} for registration ({logged['artifact']})")
        print(f"final val_accuracy {final['val_accuracy']:.3f}" + ("" if run is not None else " (untracked: mlwb not importable)"))
    except BaseException:
        if run is not None:
            run.end("failed")
        raise
    if run is not None:
        run.end("finished")


if __name__ == "__main__":
    main()
