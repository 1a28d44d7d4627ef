"""A small multilayer perceptron trained with numpy (deterministic; no torch at build or run time).

One hidden ReLU layer is enough for a few dozen dense features, and it exports to four ONNX ops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MLP:
    w1: np.ndarray  # (features, hidden), applied to standardized inputs
    b1: np.ndarray  # (hidden,)
    w2: np.ndarray  # (hidden, 1)
    b2: np.ndarray  # (1,)
    mean: np.ndarray  # standardization, folded into the first layer on export
    scale: np.ndarray

    def logits(self, x: np.ndarray) -> np.ndarray:
        h = np.maximum((x - self.mean) / self.scale @ self.w1 + self.b1, 0.0)
        return (h @ self.w2 + self.b2).reshape(-1)

    def folded(self) -> tuple[np.ndarray, np.ndarray]:
        """First-layer weights and bias that take raw (unstandardized) features."""
        w = self.w1 / self.scale[:, None]
        b = self.b1 - (self.mean / self.scale) @ self.w1
        return w, b


def fit_mlp(
    x: np.ndarray,
    y: np.ndarray,
    *,
    hidden: int = 32,
    epochs: int = 30,
    batch: int = 512,
    lr: float = 3e-3,
    l2: float = 1e-4,
    seed: int = 0,
    weights: np.ndarray | None = None,
) -> MLP:
    """Binary cross-entropy, Adam, fixed seed and a fixed batch order: the same data gives the same
    weights bit for bit on the same machine."""
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n, d = x.shape
    # Per-example weights, rescaled to mean 1 so the learning rate means the same with or without them.
    sw = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    sw = sw * (n / sw.sum()) if n and sw.sum() > 0 else sw
    mean = x.mean(axis=0) if n else np.zeros(d)
    scale = x.std(axis=0) if n else np.ones(d)
    scale = np.where(scale < 1e-6, 1.0, scale)
    xs = (x - mean) / scale

    params = {
        "w1": rng.normal(0.0, np.sqrt(2.0 / d), size=(d, hidden)),
        "b1": np.zeros(hidden),
        "w2": rng.normal(0.0, np.sqrt(1.0 / hidden), size=(hidden, 1)),
        "b2": np.array([np.log((y.mean() + 1e-3) / (1 - y.mean() + 1e-3))]) if n else np.zeros(1),
    }
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(val) for k, val in params.items()}
    beta1, beta2, eps, t = 0.9, 0.999, 1e-8, 0
    for _epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            xb, yb, wb = xs[idx], y[idx], sw[idx]
            pre = xb @ params["w1"] + params["b1"]
            h = np.maximum(pre, 0.0)
            z = (h @ params["w2"] + params["b2"]).reshape(-1)
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
            dz = (wb * (p - yb) / len(idx)).reshape(-1, 1)
            grads = {
                "w2": h.T @ dz + l2 * params["w2"],
                "b2": dz.sum(axis=0),
            }
            dh = (dz @ params["w2"].T) * (pre > 0)
            grads["w1"] = xb.T @ dh + l2 * params["w1"]
            grads["b1"] = dh.sum(axis=0)
            t += 1
            for k in sorted(params):
                m[k] = beta1 * m[k] + (1 - beta1) * grads[k]
                v[k] = beta2 * v[k] + (1 - beta2) * grads[k] ** 2
                mhat = m[k] / (1 - beta1**t)
                vhat = v[k] / (1 - beta2**t)
                params[k] = params[k] - lr * mhat / (np.sqrt(vhat) + eps)
    return MLP(params["w1"], params["b1"], params["w2"], params["b2"].reshape(1), mean, scale)


def fit_ensemble(x: np.ndarray, y: np.ndarray, *, members: int = 1, seed: int = 0, **kwargs: object) -> MLP:
    """`members` MLPs trained with seeds seed..seed+members-1, averaged, as one wider MLP.

    Averaging the logits of members that differ only in their initialization and batch order removes
    most of a single model's seed-to-seed variance (it mattered on synthetic notes: a different seed
    moved CodiEsp-train MAP by about as much as a feature change). The average is exact in one graph:
    the hidden layers sit side by side and each member's output weights are divided by `members`."""
    fitted = [fit_mlp(x, y, seed=seed + k, **kwargs) for k in range(max(members, 1))]  # type: ignore[arg-type]
    if len(fitted) == 1:
        return fitted[0]
    n = len(fitted)
    return MLP(
        np.concatenate([m.w1 for m in fitted], axis=1),
        np.concatenate([m.b1 for m in fitted]),
        np.concatenate([m.w2 for m in fitted], axis=0) / n,
        np.mean([m.b2 for m in fitted], axis=0),
        fitted[0].mean,  # standardization depends on the data only: the same for every member
        fitted[0].scale,
    )
