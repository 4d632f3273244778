"""The call-type model: fitted weights over concept features, kept as data.

Two small logistic models, both transparent (a weight per named feature):

* ``escalation`` — is the customer escalating? A logistic regression over the call's
  escalation features (:data:`coach.calltype_features.FEATURES`).
* ``routine`` — if not, which routine call is it? A conditional logit: every call type
  gets a score from its own agenda features (:data:`~coach.calltype_features.AGENDA_FEATURES`)
  with weights shared by all types, plus a per-type bias. Shared weights need little data
  (a type seen in one labelled call still gets a sensible score).

The confidence is the model's probability: P(escalation), or (1 - P(escalation)) ×
P(type | routine). Weights are fitted by :func:`fit` (Newton's method, L2-penalized; the
penalty chosen by leave-one-out cross-validation) from a table of labelled calls'
features, ``rules/training/calltype.jsonl``; ``coach rules fit`` rebuilds both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coach.calltype_features import AGENDA_FEATURES, AGENDA_TYPES, FEATURES, SIGNS

PENALTIES = (0.3, 1.0, 3.0, 10.0)
"""L2 penalties tried by cross-validation (the bias is never penalized)."""


def _only(field: str, what: str, names: Any, known: Any) -> None:
    """Reject names the model cannot use, naming the field and what is known."""
    unknown = set(names) - set(known)
    if unknown:
        raise ValueError(f"{field}: unknown {what}(s) {sorted(unknown)}; known: {', '.join(known)}")


class EscalationPart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bias: float
    weights: dict[str, float]
    l2: float = 1.0

    @model_validator(mode="after")
    def _known(self) -> EscalationPart:
        _only("weights", "feature", self.weights, FEATURES)
        return self


class RoutinePart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bias: dict[str, float]
    weights: dict[str, float]
    l2: float = 1.0

    @model_validator(mode="after")
    def _known(self) -> RoutinePart:
        _only("weights", "feature", self.weights, AGENDA_FEATURES)
        _only("bias", "call type", self.bias, AGENDA_TYPES)
        return self


class CallTypeModel(BaseModel):
    """``rules/calltype_model.yaml``: written by ``coach rules fit``, read on every load."""

    model_config = ConfigDict(extra="forbid")

    about: str = ""
    trained_on: dict[str, Any] = Field(default_factory=dict)
    escalation: EscalationPart
    routine: RoutinePart
    cross_validation: dict[str, Any] = Field(default_factory=dict)


# -- prediction ------------------------------------------------------------------------
def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def escalation_probability(model: CallTypeModel, feats: dict[str, float]) -> float:
    part = model.escalation
    return _sigmoid(part.bias + sum(w * feats.get(k, 0.0) for k, w in part.weights.items()))


def routine_probabilities(model: CallTypeModel, agenda: dict[str, dict[str, float]]) -> dict[str, float]:
    part = model.routine
    scores = {
        t: part.bias.get(t, 0.0) + sum(w * agenda.get(t, {}).get(k, 0.0) for k, w in part.weights.items())
        for t in AGENDA_TYPES
    }
    top = max(scores.values())
    exp = {t: math.exp(s - top) for t, s in scores.items()}
    z = sum(exp.values())
    return {t: v / z for t, v in exp.items()}


def predict(
    model: CallTypeModel, feats: dict[str, float], agenda: dict[str, dict[str, float]]
) -> tuple[str, float, float, dict[str, float]]:
    """(label, confidence, P(escalation), P(type | routine))."""
    p_esc = escalation_probability(model, feats)
    routine = routine_probabilities(model, agenda)
    if p_esc >= 0.5:
        return "escalation", p_esc, p_esc, routine
    best = max(routine, key=lambda t: routine[t])
    return best, (1.0 - p_esc) * routine[best], p_esc, routine


def contributions(model: CallTypeModel, feats: dict[str, float]) -> list[tuple[str, float]]:
    """Each escalation feature's share of the log-odds, largest first (for "why")."""
    parts = [(k, w * feats.get(k, 0.0)) for k, w in model.escalation.weights.items()]
    return sorted(parts, key=lambda kv: -abs(kv[1]))


# -- fitting ---------------------------------------------------------------------------
def _fit_binary(X: Any, y: Any, l2: float) -> Any:
    """L2 logistic regression; a feature whose weight takes the sign :data:`SIGNS` forbids is dropped."""
    import numpy as np

    signs = np.array([SIGNS.get(f, 1) for f in FEATURES], dtype=float)
    active = np.ones(X.shape[1], dtype=bool)
    while True:
        w = _newton_binary(X * active, y, l2)
        wrong = active & (w[:-1] * signs < 0)
        if not wrong.any():
            return w
        active &= ~wrong


def _newton_binary(X: Any, y: Any, l2: float) -> Any:
    import numpy as np

    n, d = X.shape
    Xb = np.hstack([X, np.ones((n, 1))])
    w = np.zeros(d + 1)
    reg = l2 * np.eye(d + 1)
    reg[-1, -1] = 1e-6
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(Xb @ w)))
        grad = Xb.T @ (p - y) + reg @ w
        hess = Xb.T @ (Xb * (p * (1 - p))[:, None]) + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return w


def _fit_conditional(Xs: Any, y: Any, l2: float) -> Any:
    """Conditional logit over Xs[n, types, d]: weights shared by every type, plus a bias per
    type (lightly penalized, which pins the biases without fixing one of them at 0)."""
    import numpy as np

    n, k, d = Xs.shape
    eye = np.eye(k)
    Z = np.concatenate([Xs, np.broadcast_to(eye, (n, k, k))], axis=2)  # features + one-hot bias
    m = d + k
    w = np.zeros(m)
    reg = np.diag([l2] * d + [0.1] * k)
    Y = np.zeros((n, k))
    Y[np.arange(n), y] = 1.0
    for _ in range(100):
        s = Z @ w
        s -= s.max(axis=1, keepdims=True)
        P = np.exp(s)
        P /= P.sum(axis=1, keepdims=True)
        grad = np.einsum("nkm,nk->m", Z, P - Y) + reg @ w
        mean = np.einsum("nkm,nk->nm", Z, P)
        hess = np.einsum("nkm,nkl,nk->ml", Z, Z, P) - np.einsum("nm,nl->ml", mean, mean) + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return w


def _matrices(rows: Sequence[dict]) -> tuple[Any, Any, Any, Any]:
    import numpy as np

    X = np.array([[r["escalation"][f] for f in FEATURES] for r in rows], dtype=float)
    y = np.array([r["label"] == "escalation" for r in rows], dtype=float)
    Xs = np.array([[[r["agenda"][t][f] for f in AGENDA_FEATURES] for t in AGENDA_TYPES] for r in rows], dtype=float)
    ty = np.array([AGENDA_TYPES.index(r["label"]) if r["label"] in AGENDA_TYPES else -1 for r in rows])
    return X, y, Xs, ty


def _model(w_esc: Any, w_rt: Any, l2_esc: float, l2_rt: float, trained_on: dict, cv: dict) -> CallTypeModel:
    d = len(AGENDA_FEATURES)
    return CallTypeModel(
        about=(
            "Fitted by `coach rules fit` from rules/training/calltype.jsonl; do not edit by hand. "
            "escalation: logistic regression, P = 1/(1+exp(-(bias + sum weight*feature))). "
            "routine: each call type scores bias[type] + sum weight*feature(type); softmax over types. "
            "`coach rules explain call-type` says what each feature means."
        ),
        trained_on=trained_on,
        escalation=EscalationPart(
            bias=round(float(w_esc[-1]), 4),
            weights={f: round(float(v), 4) for f, v in zip(FEATURES, w_esc[:-1], strict=True)},
            l2=l2_esc,
        ),
        routine=RoutinePart(
            bias={t: round(float(v), 4) for t, v in zip(AGENDA_TYPES, w_rt[d:], strict=True)},
            weights={f: round(float(v), 4) for f, v in zip(AGENDA_FEATURES, w_rt[:d], strict=True)},
            l2=l2_rt,
        ),
        cross_validation=cv,
    )


def _loo(rows: Sequence[dict], l2_esc: float, l2_rt: float) -> list[tuple[str, float, str]]:
    """Leave-one-out predictions: (predicted, confidence, true label) per row."""
    import numpy as np

    X, y, Xs, ty = _matrices(rows)
    out = []
    for i in range(len(rows)):
        keep = np.arange(len(rows)) != i
        rk = keep & (ty >= 0)
        m = _model(
            _fit_binary(X[keep], y[keep], l2_esc), _fit_conditional(Xs[rk], ty[rk], l2_rt), l2_esc, l2_rt, {}, {}
        )
        label, conf, _, _ = predict(m, rows[i]["escalation"], rows[i]["agenda"])
        out.append((label, conf, rows[i]["label"]))
    return out


def _summary(preds: Sequence[tuple[str, float, str]]) -> dict[str, Any]:
    n = len(preds)
    right = sum(p == t for p, _, t in preds)
    tp = sum(p == t == "escalation" for p, _, t in preds)
    fp = sum(p == "escalation" != t for p, _, t in preds)
    fn = sum(t == "escalation" != p for p, _, t in preds)
    bins = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.85), (0.85, 1.01)]
    table = []
    for lo, hi in bins:
        inside = [(p == t, c) for p, c, t in preds if lo <= c < hi]
        if inside:
            table.append(
                {
                    "confidence": f"{lo:.2f}-{min(hi, 1.0):.2f}",
                    "calls": len(inside),
                    "mean_confidence": round(sum(c for _, c in inside) / len(inside), 2),
                    "right": round(sum(ok for ok, _ in inside) / len(inside), 2),
                }
            )
    return {
        "calls": n,
        "call_type_accuracy": round(right / n, 3) if n else 0.0,
        "escalation_f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else 0.0,
        "reliability": table,
    }


def fit(rows: Sequence[dict], trained_on: dict | None = None) -> CallTypeModel:
    """Fit both parts on ``rows`` ({"label", "escalation": {...}, "agenda": {...}}), penalties by LOO."""
    if not rows:
        raise ValueError("no labelled calls to fit on")
    X, y, Xs, ty = _matrices(rows)
    if y.min() == y.max():
        raise ValueError("the labelled calls need both escalations and routine calls")

    def score(preds: list[tuple[str, float, str]]) -> tuple[float, float]:
        # accuracy first, then the log-loss of the confidence (calibration) as the tie-break
        acc = sum(p == t for p, _, t in preds) / len(preds)
        ll = -sum(math.log(max(1e-6, c if p == t else 1 - c)) for p, c, t in preds) / len(preds)
        return acc, -ll

    best = max(((a, b) for a in PENALTIES for b in PENALTIES), key=lambda ab: score(_loo(rows, *ab)))
    preds = _loo(rows, *best)
    rk = ty >= 0
    cv = {"method": "leave-one-out", "l2_tried": list(PENALTIES), **_summary(preds)}
    info = {"calls": len(rows), **(trained_on or {})}
    return _model(_fit_binary(X, y, best[0]), _fit_conditional(Xs[rk], ty[rk], best[1]), best[0], best[1], info, cv)


def same_model(a: Any, b: Any, tol: float = 1e-3) -> bool:
    """Whether two dumped models agree: the same keys and values, numbers within ``tol``
    (a refit on another machine's floating point may move the fourth decimal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_model(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_model(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= tol
    return a == b
