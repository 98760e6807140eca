#!/usr/bin/env python3
"""External reference rows for suite tabular-ssl: XGBoost and scikit-learn's MLP, trained in Python on
the very split the suite's own arms use (the harness writes it; packages/harness/src/arms/tabular-reference.ts).

Input (--data DIR): meta.json {"kind": "classification"|"regression", "dim": D, "target_std": s,
"rows": {"train": n, "val": n, "test": n}} and, per split, <split>.x.f32 (n x D float32, row-major:
min-max scaled numerics then one-hot categoricals, the features of the suite's mlp-raw arm) and
<split>.y.f32 (labels 0/1, or the target in $100k).

Models, as the issue that asked for these rows states them:
  xgboost      1000 trees, depth 5, learning rate 0.1, histogram trees (everything else at XGBoost's
               defaults)
  sklearn-mlp  StandardScaler, then MLPClassifier / MLPRegressor with scikit-learn's defaults
Both fit on the training rows only; the validation rows are scored, never used to fit or stop.
--trees overrides the tree count (tests use a handful). Prints one line 'REPRO_RESULT {json}'.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def load(data, split, dim):
    x = np.fromfile(os.path.join(data, split + ".x.f32"), dtype=np.float32).reshape(-1, dim)
    y = np.fromfile(os.path.join(data, split + ".y.f32"), dtype=np.float32)
    if x.shape[0] != y.shape[0]:
        sys.exit(f"{split}: {x.shape[0]} feature rows but {y.shape[0]} targets")
    return x, y


def make(model, kind, seed, trees, threads):
    if model == "xgboost":
        import xgboost
        cls = xgboost.XGBClassifier if kind == "classification" else xgboost.XGBRegressor
        # tree_method "hist" is XGBoost 2's default; 1.7 (Debian's) picks "exact": 58 s against 3.5 s on Adult here.
        est = cls(n_estimators=trees, max_depth=5, learning_rate=0.1, tree_method="hist", random_state=seed, n_jobs=threads)
        return est, {"xgboost": xgboost.__version__}
    import sklearn
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    cls = MLPClassifier if kind == "classification" else MLPRegressor
    # Standardised on the training rows first, as the suite's mlp-raw arm z-scores its inputs (and as
    # scikit-learn's documentation asks of its MLP).
    return make_pipeline(StandardScaler(), cls(random_state=seed)), {"scikit-learn": sklearn.__version__}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True, choices=["xgboost", "sklearn-mlp"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--trees", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    with open(os.path.join(args.data, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    kind, dim = meta["kind"], meta["dim"]
    splits = {s: load(args.data, s, dim) for s in ("train", "val", "test")}
    est, versions = make(args.model, kind, args.seed, args.trees, args.threads)
    xtr, ytr = splits["train"]
    t0 = time.perf_counter()
    import warnings
    with warnings.catch_warnings():
        # scikit-learn's default 200 iterations can end before its own tolerance is met; that is the
        # default being reproduced, so its ConvergenceWarning is not news.
        warnings.simplefilter("ignore")
        est.fit(xtr, ytr.astype(np.int64) if kind == "classification" else ytr)
    fit_s = time.perf_counter() - t0
    out = {"fit_seconds": fit_s}
    for split in ("val", "test"):
        x, y = splits[split]
        pred = est.predict(x)
        prefix = "" if split == "test" else "val_"
        if kind == "classification":
            out[prefix + "accuracy"] = float(np.mean(pred.astype(np.int64) == y.astype(np.int64)))
        else:
            rmse = float(np.sqrt(np.mean((pred.astype(np.float64) - y.astype(np.float64)) ** 2)))
            out[prefix + "rmse"] = rmse
            if split == "test":
                out["rmse_std"] = rmse / meta["target_std"]
    out["versions"] = {"python": sys.version.split()[0], "numpy": np.__version__, **versions}
    print("REPRO_RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
