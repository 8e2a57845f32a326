"""One-vs-all logistic losses of Li, Li, Pan & Zhu (AAAI 2020).

"On the Learning Property of Logistic and Softmax Losses for Deep Neural
Networks". Notation: `s = sigmoid(o)` element-wise, `t` the target class.

`logistic` (LGL) is a per-example loss. `logistic_inr` (LGL-INR) is the
authors' batch-level loss, fitted exactly to Keras's per-example contract.
`per_example_logistic_inr` is keras_losses 0.1.0's per-example
reconstruction, kept only so models saved with it still load (see
CHANGELOG.md); it is not one of the canonical names.
"""

from keras import ops

from keras_losses import _targets
from keras_losses._probabilities import masked_shift, masked_softmax, sigmoid_parts
from keras_losses._targets import FLOAT, targets_and_outputs
from keras_losses.base import SIGMOID, ClassificationLoss, Tunable, register

LI = "Li, Li, Pan & Zhu (AAAI 2020)"


def logistic(y_true, y_pred, from_logits=False):
    """Per-example values of `Logistic`."""
    y, o = targets_and_outputs(y_true, y_pred)
    log_s, log_1ms = sigmoid_parts(o, from_logits)
    # y·log s + (1 − y)·log(1 − s) = log(1 − s) + y·(log s − log(1 − s))
    return -ops.sum(log_1ms + y * (log_s - log_1ms), axis=-1)


def _is_one_hot(y, target):
    """Whether every row of `y` is one-hot, given `target = argmax(y)`: a boolean scalar tensor.

    A row is one-hot iff its largest entry is 1, it sums to 1 and nothing is negative.
    """
    largest = ops.take_along_axis(y, ops.expand_dims(target, -1), axis=-1)
    return ops.logical_and(
        ops.all(ops.equal(largest, 1.0)),
        ops.logical_and(ops.all(ops.equal(ops.sum(y, axis=-1), 1.0)), ops.all(ops.min(y, axis=-1) >= 0.0)),
    )


def _weights_of(class_means, present, beta, detach_weights):
    """`w[c, k]`: softmax over the present classes c ≠ k of `β·p̄[c, k]` (0 elsewhere)."""
    num_classes = class_means.shape[-1]
    not_self = ops.logical_not(ops.cast(ops.eye(num_classes), "bool"))
    negative = ops.logical_and(ops.expand_dims(present, 1), not_self)
    weights = masked_softmax(beta * class_means, negative, axis=0)
    return ops.stop_gradient(weights) if detach_weights else weights


# Up to this many classes the dense route (two K×K products, valid for any labels) is used for
# every batch: at small K its O(B·K²) is a few small matmuls, cheaper than the hard route's
# gathers and far cheaper than a `cond` between the two, which costs TensorFlow about a
# millisecond per call with its gradient (the vectorized engine makes one per run and step).
DENSE_CLASSES = 128


def _choose(hard, hard_branch, soft_branch):
    """`hard_branch()` when the labels are known to be hard (`hard` True, or a tensor with that value,
    eagerly), `soft_branch()` when they are not or the dense route is chosen (`hard is False`), else,
    while tracing, a `cond` on the boolean tensor `hard`.

    In the `cond` the hard route's value is computed outside and passed through: its gathers'
    gradients (segment sums that need a static number of rows) then stay outside the `cond`,
    where XLA can compile them. Each `cond` returns small tensors (K×K sums, or one value per
    example), since TensorFlow's gradient of a `cond` keeps the intermediates of both branches.
    """
    known = hard if isinstance(hard, bool) else _targets._concrete(hard)  # eager: the labels' values are there
    if known is not None:
        return hard_branch() if bool(known) else soft_branch()
    hard_value = hard_branch()
    return ops.cond(hard, lambda: hard_value, soft_branch)


def _sigmoid_costs(o, from_logits):
    """`(positive, −log(1 − s), s)`, where `positive(pick)` is `pick(−log s)` for `pick` a gather at
    the targets (or the identity): with logits `−log(1 − s) = softplus(o)` and `−log s = softplus(o) − o`,
    so only the picked values need the subtraction."""
    if from_logits:
        softplus = ops.softplus(o)
        return (lambda pick: pick(softplus) - pick(o)), softplus, ops.sigmoid(o)
    log_s, log_1ms = sigmoid_parts(o, from_logits)
    return (lambda pick: pick(-log_s)), -log_1ms, ops.clip(o, 0.0, 1.0)


def logistic_inr(y_true, y_pred, from_logits=False, beta=1.0, detach_weights=False):
    """Per-example values of `LogisticINR`: each example's share of the batch's `L⁺ + L⁻`, times B.

    The values depend on the whole batch; their mean is the batch loss `L⁺ + L⁻`. Above
    `DENSE_CLASSES` classes, hard labels (sparse ones always; one-hot rows, checked) take the
    O(B·K + K²) route, by a segment sum and gathers; soft labels, and every batch of up to
    `DENSE_CLASSES` classes, take the dense route of two K×K products, O(B·K²).
    """
    # Dense outputs (B, …, K): every position is an example of the batch.
    y_true, y_pred, restore = _targets.flatten_positions(ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred))
    sparse = _targets.is_sparse(y_true, y_pred)
    y, o = targets_and_outputs(y_true, y_pred)
    num_classes = y.shape[-1]
    if num_classes is None:
        raise ValueError("keras_losses: logistic_inr needs a known number of classes.")
    cost_positive, cost_negative, s = _sigmoid_costs(o, from_logits)  # −log s (picked), −log(1 − s), s
    if num_classes <= DENSE_CLASSES:
        target, hard = None, False  # The dense route, for hard and soft labels alike (see DENSE_CLASSES).
    else:
        target = ops.argmax(y, axis=-1)
        hard = True if sparse else _is_one_hot(y, target)
    # n_c, and Σ_{i∈B_c} s[i, k] for every class c and output k.
    counts, class_sums = _choose(
        hard,
        lambda: (
            ops.segment_sum(ops.ones_like(target, dtype=FLOAT), target, num_segments=num_classes),
            ops.segment_sum(s, target, num_segments=num_classes),
        ),
        lambda: (ops.sum(y, axis=0), ops.matmul(ops.transpose(y), s)),
    )
    present = counts > 0
    inverse_counts = ops.where(present, 1.0 / ops.where(present, counts, 1.0), 0.0)
    weights = _weights_of(class_sums * ops.expand_dims(inverse_counts, 1), present, beta, detach_weights)

    def hard_shares():
        # (1/n_t)·[−log s[i,t] − Σ_k w[t,k]·log(1 − s[i,k])]; w[t,t] = 0, so k runs over k ≠ t.
        # × y[i,t]: 1, or NaN for a sparse label out of range (the target's NaN row), which then shows.
        at_target = ops.expand_dims(target, -1)

        def at_targets(x):
            return ops.take_along_axis(x, at_target, axis=-1)[:, 0]

        y_t, positive = at_targets(y), cost_positive(at_targets)
        negatives = ops.sum(ops.take(weights, target, axis=0) * cost_negative, axis=-1)
        return y_t * ops.take(inverse_counts, target) * (positive + negatives)

    def soft_shares():
        # Σ_c (y[i,c]/n_c)·[−log s[i,c] − Σ_k w[c,k]·log(1 − s[i,k])].
        per_class = cost_positive(lambda x: x) + ops.matmul(cost_negative, ops.transpose(weights))
        return ops.sum(y * ops.expand_dims(inverse_counts, 0) * per_class, axis=-1)

    shares = _choose(hard, hard_shares, soft_shares)
    # × B so that Keras's batch mean ("sum_over_batch_size") is exactly L⁺ + L⁻. B = Σ_c n_c: the number of
    # examples, less the all-zero rows of positions that `ignore_class` leaves out (Keras's mean skips them).
    return restore(ops.sum(counts) * shares)


def per_example_logistic_inr(y_true, y_pred, from_logits=False, gamma=1.0):
    """Per-example values of `PerExampleLogisticINR` (keras_losses 0.1.0's variant)."""
    y, o = targets_and_outputs(y_true, y_pred)
    log_s, log_1ms = sigmoid_parts(o, from_logits)
    negative = 1.0 - y
    # Softmax of −γ·log(1 − s) over the non-targets, scaled by (1 − y).
    score = -gamma * log_1ms
    unnormalized = negative * ops.exp(masked_shift(score, negative > 0))
    weights = unnormalized / ops.sum(unnormalized, axis=-1, keepdims=True)
    return -ops.sum(y * log_s, axis=-1) - ops.sum(weights * log_1ms, axis=-1)


@register(
    "logistic",
    multi_label=True,
    formula="−log s_t − Σ_{k≠t} log(1 − s_k)",
    acts_on=SIGMOID,
    value_range="[0, ∞)",
    paper=LI,
)
class Logistic(ClassificationLoss):
    """One-vs-all logistic loss (LGL): K independent sigmoid classifiers.

    For soft targets `−Σ_k [y_k·log s_k + (1 − y_k)·log(1 − s_k)]`; with
    `from_logits=True` computed with `log_sigmoid`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Logistic(from_logits=True)(y_true, logits)), 4)
    1.5341
    """

    function = staticmethod(logistic)


@register(
    "logistic_inr",
    formula="(B/n_t)·[−log s_t − Σ_{k≠t} w_{t,k}·log(1 − s_k)], "
    "w_{·,k} = softmax over present classes c ≠ k of β·mean_{i∈B_c} s_{i,k}",
    acts_on=SIGMOID,
    value_range="[0, ∞)",
    paper=LI,
    tunable={"beta": Tunable(0.0, 5.0)},
)
class LogisticINR(ClassificationLoss):
    """Logistic loss with in-negative-class reweighting (LGL-INR), batch-level.

    As the authors' reference implementation defines it. For a batch with
    `B_c` the examples of class c, `n_c = |B_c|`, `P` the classes present:

    - `L⁺ = Σ_{c∈P} (1/n_c) Σ_{i∈B_c} −log s_{i,c}`
    - `p̄_{c,k} = (1/n_c) Σ_{i∈B_c} s_{i,k}`: how strongly output k fires on
      negative class c
    - `w_{c,k} = exp(β·p̄_{c,k}) / Σ_{c'∈P∖{k}} exp(β·p̄_{c',k})`: for each
      output k its negative classes' weights sum to 1, harder ones weigh
      more; `β = 0` gives equal weights
    - `L⁻ = Σ_k Σ_{c∈P∖{k}} w_{c,k}·(1/n_c) Σ_{i∈B_c} −log(1 − s_{i,k})`
    - loss `= L⁺ + L⁻`

    Keras wants one value per example: example i of class t gets
    `B·(1/n_t)·[−log s_{i,t} − Σ_{k≠t} w_{t,k}·log(1 − s_{i,k})]`, so the
    default reduction (`sum_over_batch_size`, the batch mean) is exactly
    `L⁺ + L⁻`. Consequences of being batch-level:

    - `sample_weight` scales example i's share of `L⁺ + L⁻`; the weights
      `w` and counts `n_c` are computed from the unweighted batch.
    - The value depends on the batch's class make-up, so a loss reported on
      an evaluation set depends on the evaluation batch size (accuracy and
      the other metrics do not).
    - Soft labels generalise it: example i belongs to class c with weight
      `y_{i,c}` (`n_c = Σ_i y_{i,c}`, means weighted by `y_{i,c}`); for
      one-hot labels this is the definition above.

    Cost: above `DENSE_CLASSES` (128) classes, with hard labels (sparse, or
    one-hot rows) the per-class means are a segment sum and each example's
    weights a gather, O(B·K + K²); soft labels, and any batch of at most 128
    classes, take two dense K×K products, O(B·K²), which at small K cost less
    than the gathers and the check of the labels.

    Against the authors' code: it adds `eps = 1e-7` inside both logarithms,
    `log(s + eps)` and `log(1 − s + eps)`, so each term is capped at
    `−log(1e-7) ≈ 16.1`, and once the sigmoid saturates in float32 (|logit|
    beyond about 17) its gradient is zero. A confidently wrong output at
    |logit| ≈ 20 costs 16.1 there and 20 here, at |logit| ≈ 32 half of ours:
    their value is up to half ours at saturated sigmoids, and those terms stop
    learning. Numbers reported with their code will differ for confident
    models; below saturation the two agree.

    Args:
        beta: β ≥ 0, how much harder negative classes weigh; `β = 0` gives equal weights.
        detach_weights: if True, no gradient flows through the weights `w`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2, 1]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5], [0.0, 1.0, -0.5]]
    >>> loss = keras_losses.LogisticINR(from_logits=True, beta=1.0)
    >>> round(float(loss(y_true, logits)), 4)
    2.4391
    """

    function = staticmethod(logistic_inr)
    batch_level = True  # Per-example values depend on the batch (engines call it per run).

    @classmethod
    def from_config(cls, config):
        # keras_losses 0.1.0 saved its per-example variant under this class,
        # with `gamma`; such configs load as that variant, unchanged.
        if "gamma" in config:
            return PerExampleLogisticINR.from_config(config)
        return super().from_config(config)


@register(
    "per_example_logistic_inr",
    formula="−log s_t − Σ_{k≠t} w_k·log(1 − s_k), w_k = (1 − s_k)^(−γ) / Σ_{j≠t} (1 − s_j)^(−γ)",
    acts_on=SIGMOID,
    value_range="[0, ∞)",
    paper="keras_losses 0.1.0's reading of Li et al.",
    canonical=False,
)
class PerExampleLogisticINR(ClassificationLoss):
    """keras_losses 0.1.0's per-example reading of LGL-INR (not the paper's loss).

    Each example's non-targets are weighed as one negative class. This was
    `LogisticINR` in 0.1.0; `LogisticINR` is now the authors' batch-level
    loss. Kept so that models saved by 0.1.0 load and train as before; it is
    not among `keras_losses.names()`.

    Args:
        gamma: γ ≥ 0, how much harder non-targets weigh.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.PerExampleLogisticINR(from_logits=True, gamma=1.0)
    >>> round(float(loss(y_true, logits)), 4)
    0.91
    """

    function = staticmethod(per_example_logistic_inr)
