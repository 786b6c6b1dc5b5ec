"""Fit the alert confidence model on the judged alerts of the dev weeks; write its weights.

    python tools/fit_confidence.py [--judged FILE] [--out config/confidence.yaml]

A logistic regression (scikit-learn) over the identity features of monitor/facts/incident.py
(`features`), learned only from judged alerts whose later report lies outside the sealed
weeks; the sealed weeks are reported by `newsmon eval --real`, never fitted. Prints the
dev fit's cross-validated log-loss and the precision it would give at a few thresholds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.facts.incident import FEATURES  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judged", default=str(ROOT / "tests" / "realnews" / "judged.jsonl"))
    ap.add_argument("--out", default=str(ROOT / "config" / "confidence.yaml"))
    args = ap.parse_args()
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    rows = [json.loads(x) for x in Path(args.judged).read_text(encoding="utf-8").splitlines()
            if x.strip()]
    dev = [r for r in rows if r["split"] == "dev" and "features" in r]
    x = np.array([[r["features"][f] for f in FEATURES] for r in dev])
    y = np.array([r["verdict"] == "useful" for r in dev])
    model = LogisticRegression(C=1.0, max_iter=1000, class_weight=None)
    p = cross_val_predict(model, x, y, cv=5, method="predict_proba")[:, 1]
    for t in (0.3, 0.4, 0.5, 0.6, 0.7):
        sel = p >= t
        prec = y[sel].mean() if sel.any() else float("nan")
        print(f"dev cross-validated: threshold {t}: {sel.sum()} of {len(y)} kept, "
              f"precision {prec:.3f}, useful kept {y[sel].sum()} of {y.sum()}")
    model.fit(x, y)
    lines = ["# Alert confidence: a logistic model over monitor/facts/incident.py `features`,",
             f"# fitted by tools/fit_confidence.py on {len(dev)} judged dev alerts "
             f"({int(y.sum())} useful) of tests/realnews/judged.jsonl. Sealed weeks not used.",
             f"intercept: {model.intercept_[0]:.4f}", "weights:"]
    lines += [f"  {f}: {w:.4f}" for f, w in zip(FEATURES, model.coef_[0], strict=True)]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
