"""Issue 26's families: where the authors' code and the paper differ, both conventions; special cases the
papers state; the transition matrix's and the new arguments' checks; the active-passive combinator."""

import numpy as np
import pytest

import keras_losses
from tests.keras_losses import reference
from tests.keras_losses.backends import value_and_gradient
from tests.keras_losses.helpers import batch, class_counts, transition_matrix


def per_example(name, y_true, logits, **config):
    loss = keras_losses.for_logits(name, reduction=None, **config)
    return np.asarray(loss(y_true, np.asarray(logits, "float32")), "float64")


LABELS, ONE_HOT, LOGITS = batch(seed=7, scale=2.0)


# Active-passive: the authors' code halves the paper's MAE and NMAE.


def _paper_mae(y, p):
    """Ma et al.'s MAE, `Σ|p − y|`."""
    return np.abs(p - y).sum(-1)


def test_mae_in_the_pairs_is_half_the_papers():
    p = reference.softmax(LOGITS)
    paper = 0.5 * reference._nce(ONE_HOT, p) + 1.5 * _paper_mae(ONE_HOT, p)  # α = 0.5, β = 1.5 in the paper
    np.testing.assert_allclose(per_example("nce_mae", LABELS, LOGITS, alpha=0.5, beta=3.0), paper, rtol=2e-5)


def test_nmae_is_half_the_papers():
    p = reference.softmax(LOGITS)
    paper = _paper_mae(ONE_HOT, p) / sum(_paper_mae(np.eye(5)[[j] * len(p)], p) for j in range(5))
    np.testing.assert_allclose(2 * per_example("nmae", LABELS, LOGITS), paper, rtol=2e-5)


def _finite_difference_gradient(function, logits, step=1e-6):
    """d mean(function(logits)) / d logits, central differences in float64."""
    gradient = np.zeros_like(logits)
    for index in np.ndindex(*logits.shape):
        up, down = logits.copy(), logits.copy()
        up[index] += step
        down[index] -= step
        gradient[index] = (function(up).mean() - function(down).mean()) / (2 * step)
    return gradient


@pytest.mark.parametrize("name", ["nfl", "anl_fl"])
def test_focal_weights_are_detached_as_in_the_authors_code(name):
    """The value is the paper's; the gradient is not its derivative but the one with (1 − p)^γ held fixed."""
    _, gradient = value_and_gradient(keras_losses.for_logits(name, gamma=2.0), LABELS, LOGITS)
    paper_gradient = _finite_difference_gradient(lambda o: reference.REFERENCES[name](ONE_HOT, o, gamma=2.0), LOGITS)
    assert np.abs(gradient - paper_gradient).max() > 1e-3

    def weights_held(o):  # the focal weights at LOGITS, constant; log p moves
        weights = (1 - reference.softmax(LOGITS)) ** 2.0
        terms = -weights * np.log(reference.softmax(o))
        return (ONE_HOT * terms).sum(-1) / terms.sum(-1)

    if name == "nfl":
        np.testing.assert_allclose(gradient, _finite_difference_gradient(weights_held, LOGITS), atol=2e-6)


def test_nce_rce_is_the_nce_rce_pair_and_unchanged():
    assert keras_losses.nce_rce.__module__ == "keras_losses.noise_robust"
    np.testing.assert_allclose(
        per_example("nce_rce", LABELS, LOGITS, alpha=2.0, beta=0.5),
        reference.nce_rce(ONE_HOT, LOGITS, alpha=2.0, beta=0.5),
        rtol=2e-5,
    )


def test_active_passive_builds_the_registered_pairs():
    pairs = {("nce", "rce"): "NCEPlusRCE", ("nce", "mae"): "NCEPlusMAE", ("nfl", "rce"): "NFLPlusRCE"}
    pairs |= {("nfl", "mae"): "NFLPlusMAE", ("ngce", "rce"): "NGCEPlusRCE", ("ngce", "mae"): "NGCEPlusMAE"}
    for (active, passive), cls in pairs.items():
        loss = keras_losses.active_passive(active, passive, alpha=2.0, beta=0.5)
        assert type(loss).__name__ == cls and loss.get_config()["alpha"] == 2.0
    assert keras_losses.active_passive("ngce", "mae").get_config()["q"] == 0.1
    with pytest.raises(ValueError, match=r"unknown pair \('nce', 'nmae'\); the pairs are \('nce', 'mae'\)"):
        keras_losses.active_passive("nce", "nmae")
    with pytest.raises(TypeError, match="unexpected argument.*gamma"):
        keras_losses.active_passive("nce", "mae", gamma=0.5)


# Bi-tempered: the authors' finite normaliser iteration, and the paper's exact normaliser.


@pytest.mark.parametrize("t1, t2", [(0.8, 1.2), (0.5, 4.0), (0.8, 0.7)])
def test_bi_tempered_with_many_iterations_equals_the_exact_normaliser(t1, t2):
    """The paper's λ solves Σ exp_t2(z − λ) = 1; the authors' iteration (test_values' reference) converges to it."""
    exact = reference.bi_tempered_of(
        ONE_HOT, reference.exp_t(LOGITS - reference.exact_tempered_normalizer(LOGITS, t2), t2), t1
    )
    converged = per_example("bi_tempered", LABELS, LOGITS, t1=t1, t2=t2, num_iters=40)
    np.testing.assert_allclose(converged, exact, rtol=1e-4, atol=1e-5)


def test_bi_tempered_gradient_is_the_exact_losss_derivative_when_converged():
    t1, t2 = 0.7, 1.5

    def exact(o):
        lam = reference.exact_tempered_normalizer(o, t2)
        return reference.bi_tempered_of(ONE_HOT, reference.exp_t(o - lam, t2), t1)

    loss = keras_losses.for_logits("bi_tempered", t1=t1, t2=t2, num_iters=40)
    _, gradient = value_and_gradient(loss, LABELS, LOGITS)
    np.testing.assert_allclose(gradient, _finite_difference_gradient(exact, LOGITS), atol=1e-5)


def test_bi_tempered_label_smoothing_is_the_authors_not_keras():
    """Authors' ε keeps 1 − ε on the target; Keras's ε' = ε·K/(K − 1) gives the same labels."""
    k, epsilon = 5, 0.2
    keras_smoothed = ONE_HOT * (1 - epsilon * k / (k - 1)) + epsilon / (k - 1)
    np.testing.assert_allclose(
        per_example("bi_tempered", LABELS, LOGITS, label_smoothing=epsilon),
        per_example("bi_tempered", keras_smoothed, LOGITS),
        rtol=2e-5,
    )
    assert np.allclose(keras_smoothed.max(-1), 1 - epsilon)


# Special cases the papers state.


def test_special_cases():
    counts = class_counts()
    log_loss = per_example("log_loss", LABELS, LOGITS)
    cases = {
        "bi_tempered at t1 = t2 = 1": (per_example("bi_tempered", LABELS, LOGITS, t1=1.0, t2=1.0), log_loss),
        "bootstrap_soft at β = 1": (per_example("bootstrap_soft", LABELS, LOGITS, beta=1.0), log_loss),
        "bootstrap_hard at β = 1": (per_example("bootstrap_hard", LABELS, LOGITS, beta=1.0), log_loss),
        "seesaw at p = q = 0": (per_example("seesaw", LABELS, LOGITS, class_counts=counts, p=0.0, q=0.0), log_loss),
        "vs at γ = 0 is logit adjustment": (
            per_example("vs", LABELS, LOGITS, class_counts=counts, gamma=0.0, tau=1.5),
            per_example("logit_adjusted", LABELS, LOGITS, class_counts=counts, tau=1.5),
        ),
        "taylor_ce of order 1 is 1 − p_t": (
            per_example("taylor_ce", LABELS, LOGITS, order=1),
            1 - (ONE_HOT * reference.softmax(LOGITS)).sum(-1),
        ),
        "forward correction with T = I": (
            per_example("forward_corrected", LABELS, LOGITS, transition_matrix=np.eye(5).tolist()),
            log_loss,
        ),
        "backward correction with T = I": (
            per_example("backward_corrected", LABELS, LOGITS, transition_matrix=np.eye(5).tolist()),
            log_loss,
        ),
    }
    for what, (got, want) in cases.items():
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5, err_msg=what)


def test_taylor_ce_tends_to_log_loss_and_js_to_cross_entropy():
    moderate = LOGITS / 4  # p_t well above 0, so the series converges fast
    np.testing.assert_allclose(
        per_example("taylor_ce", LABELS, moderate, order=200), per_example("log_loss", LABELS, moderate), rtol=1e-4
    )
    np.testing.assert_allclose(
        per_example("js", LABELS, moderate, pi=1e-3), per_example("log_loss", LABELS, moderate), rtol=2e-3
    )


def test_backward_correction_is_unbiased_for_the_clean_loss():
    """E over the noisy label ỹ ~ T[t] of the backward-corrected loss = the clean log loss (Patrini et al.)."""
    matrix = np.asarray(transition_matrix(5, rate=0.3))
    expected = sum(
        matrix[LABELS, j] * per_example("backward_corrected", np.full(len(LABELS), j), LOGITS, transition_matrix=matrix)
        for j in range(5)
    )
    np.testing.assert_allclose(expected, per_example("log_loss", LABELS, LOGITS), rtol=1e-4, atol=1e-5)


def test_forward_correction_sees_the_noisy_label_distribution():
    """−log (Tᵀp)_ỹ: a model predicting the clean class t is charged −log T[t, ỹ] for the noisy label ỹ."""
    matrix = transition_matrix(5, rate=0.3)
    certain = np.eye(5)[[0, 0]] * 1.0
    got = np.asarray(keras_losses.get("forward_corrected", transition_matrix=matrix, reduction=None)([0, 1], certain))
    np.testing.assert_allclose(got, [-np.log(0.7), -np.log(0.3)], rtol=1e-5)


# Checks of the new arguments.


@pytest.mark.parametrize(
    "matrix, message",
    [
        ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], r"must be square \(K×K, K >= 2\), got rows of lengths \[3, 3\]"),
        ([[0.9, 0.2], [0.0, 1.0]], r"rows must sum to 1 .*rows \[0\] sum to \[1.1\]"),
        ([[1.5, -0.5], [0.0, 1.0]], "finite non-negative probabilities"),
        ("not a matrix", "must be a K×K matrix of numbers"),
    ],
)
@pytest.mark.parametrize("name", ["forward_corrected", "backward_corrected"])
def test_bad_transition_matrix_is_refused_with_its_problem(name, matrix, message):
    with pytest.raises(ValueError, match=message):
        keras_losses.get(name, transition_matrix=matrix)


def test_backward_correction_needs_an_invertible_matrix_forward_does_not():
    singular = [[0.5, 0.5], [0.5, 0.5]]
    with pytest.raises(ValueError, match=r"must be invertible for backward correction.*Use forward_corrected"):
        keras_losses.get("backward_corrected", transition_matrix=singular)
    loss = keras_losses.get("forward_corrected", transition_matrix=singular)
    assert loss.get_config()["transition_matrix"] == singular


@pytest.mark.parametrize("name", ["forward_corrected", "backward_corrected"])
def test_transition_matrix_size_must_match_the_classes(name):
    loss = keras_losses.get(name, transition_matrix=transition_matrix(3))
    with pytest.raises(ValueError, match="transition_matrix is 3×3 but y_pred has 5 classes"):
        loss(LABELS, reference.softmax(LOGITS).astype("float32"))


@pytest.mark.parametrize(
    "name, config, message",
    [
        ("gce", {"q": 2.0}, r"`q` must be in \(0, 1\]"),
        ("aul", {"a": 1.0}, r"`a` must be > 1"),
        ("agce", {"q": 0.0}, r"`q` must be > 0"),
        ("bootstrap_soft", {"beta": 1.5}, r"`beta` must be in \[0, 1\]"),
        ("js", {"pi": 1.0}, r"`pi` must be in \(0, 1\)"),
        ("bi_tempered", {"num_iters": 0}, r"`num_iters` must be an integer >= 1"),
        ("bi_tempered", {"num_iters": 2.5}, r"`num_iters` must be an integer >= 1"),
        ("taylor_ce", {"order": 0}, r"`order` must be an integer >= 1"),
        ("anl_ce", {"min_prob": 0.0}, r"`min_prob` must be in \(0, 1\)"),
        ("vs", {"gamma": -1.0, "class_counts": [3, 2, 1]}, r"`gamma` must be >= 0"),
    ],
)
def test_bad_arguments_are_refused_with_their_range(name, config, message):
    with pytest.raises(ValueError, match=message):
        keras_losses.get(name, **config)


def test_authors_ranges_are_accepted_where_they_exceed_other_losses():
    assert keras_losses.get("agce", q=3.0).get_config()["q"] == 3.0  # GCE's q stops at 1
    assert keras_losses.get("aul", a=6.3, q=1.5).get_config()["a"] == 6.3
    assert keras_losses.get("seesaw", q=2.0, class_counts=[3, 2, 1]).get_config()["q"] == 2.0
