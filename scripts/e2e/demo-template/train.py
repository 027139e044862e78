"""Logistic regression trained by mini-batch gradient descent, in pure Python.

    python train.py --lr 0.5 --epochs 40 --name baseline

Reads data/train.csv and data/test.csv (columns x1, x2, label). When the ML Workbench
client (`mlwb`) is importable, every run is tracked: params, per-epoch metrics, the input
data and the trained weights as an artifact. Without it the script still trains and prints.
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", default=None, help="run name shown in ML Workbench")
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
        print(f"final val_accuracy {final['val_accuracy']:.3f}" + ("" if run is not None else " (untracked: mlwb not importable)"))
    except BaseException:
        if run is not None:
            run.end("failed")
        raise
    if run is not None:
        run.end("finished")


if __name__ == "__main__":
    main()
