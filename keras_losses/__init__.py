"""keras_losses: loss functions for deep classifiers, Keras-native.

    import keras_losses
    model.compile(loss="cauchy_schwarz")                 # by canonical name
    model.compile(loss=keras_losses.get("focal", gamma=1.0, from_logits=True))

`names()` lists the canonical names, `describe(name)` gives formula, what
the loss acts on, defaults, range, paper and tunable arguments, and
`get(name, **config)` builds a configured instance (Keras's classification
losses included). Every class is registered for serialization under the
package name `keras_losses`, so a saved `.keras` model loads after
`import keras_losses`.

Modules, by what the losses in them do:

- `distance`: distances between target and outputs or probabilities (L1, L2, expectation, Chebyshev).
- `margin`: one-vs-rest hinge losses with margin ½ on the raw outputs.
- `likelihood`: log loss and squared log loss.
- `similarity`: losses that reward overlap of target and probabilities (Tanimoto, Cauchy–Schwarz).
- `one_vs_all`: sigmoid (one-vs-all) logistic losses, LGL and LGL-INR.
- `cross_entropy_variants`: cross-entropies reshaped to weigh hard examples (focal, Poly-1).
- `noise_robust`: losses designed to be robust to label noise (GCE, SCE, NCE + RCE).
- `active_passive`: normalised losses (NFL, NGCE, NMAE) and the active-passive pairs (`active_passive`).
- `active_negative`: active negative losses (ANL-CE, ANL-FL).
- `asymmetric_noise`: asymmetric losses for noisy labels (AGCE, AUL, AEL).
- `jensen_shannon`: the scaled Jensen–Shannon divergence loss (JS).
- `tempered`: the bi-tempered logistic loss (tempered logarithm and softmax).
- `bootstrap`: soft and hard bootstrapping.
- `taylor`: Taylor cross-entropy.
- `loss_correction`: forward and backward correction with a known transition matrix.
- `long_tail`: prior-aware losses for class-imbalanced data (logit adjustment, balanced softmax, LDAM, VS,
  seesaw).
- `class_balance`: per-class weights from the training counts (effective number, inverse frequency), for
  every loss's `class_weights`.
- `keras_builtin`: Keras's own classification losses, sparse labels and logits handled.
- `base` (the base class and `register`), `registry` (`get`, `names`, `describe`), `compat` (string names in
  `compile`), `arguments` (argument checks).
"""

from keras_losses import compat, registry
from keras_losses._version import __version__
from keras_losses.active_negative import ANLCE, ANLFL, anl_ce, anl_fl
from keras_losses.active_passive import (
    NCEPlusMAE,
    NFLPlusMAE,
    NFLPlusRCE,
    NGCEPlusMAE,
    NGCEPlusRCE,
    NormalizedFocal,
    NormalizedGCE,
    NormalizedMAE,
    active_passive,
    nce_mae,
    nfl,
    nfl_mae,
    nfl_rce,
    ngce,
    ngce_mae,
    ngce_rce,
    nmae,
)
from keras_losses.asymmetric_noise import AEL, AGCE, AUL, ael, agce, aul
from keras_losses.base import ClassificationLoss, LossInfo, Tunable
from keras_losses.bootstrap import BootstrapHard, BootstrapSoft, bootstrap_hard, bootstrap_soft
from keras_losses.class_balance import class_balanced_weights, inverse_frequency_weights
from keras_losses.cross_entropy_variants import Focal, Poly1, focal, poly1
from keras_losses.distance import (
    L1,
    L2,
    Chebyshev,
    Expectation,
    RegularizedExpectation,
    chebyshev,
    expectation,
    l1,
    l2,
    regularized_expectation,
)
from keras_losses.jensen_shannon import JensenShannon, js
from keras_losses.keras_builtin import KerasLoss, keras_loss
from keras_losses.likelihood import LogLoss, SquaredLog, log_loss, squared_log
from keras_losses.long_tail import (
    LDAM,
    VS,
    BalancedSoftmax,
    LogitAdjusted,
    Seesaw,
    balanced_softmax,
    ldam,
    ldam_margins,
    logit_adjusted,
    seesaw,
    vs,
    vs_factors,
)
from keras_losses.loss_correction import BackwardCorrected, ForwardCorrected, backward_corrected, forward_corrected
from keras_losses.margin import (
    OvrCubedHinge,
    OvrHinge,
    OvrSquaredHinge,
    ovr_cubed_hinge,
    ovr_hinge,
    ovr_squared_hinge,
)
from keras_losses.noise_robust import (
    GeneralizedCrossEntropy,
    NCEPlusRCE,
    SymmetricCrossEntropy,
    gce,
    nce_rce,
    sce,
)
from keras_losses.one_vs_all import (
    Logistic,
    LogisticINR,
    PerExampleLogisticINR,
    logistic,
    logistic_inr,
    per_example_logistic_inr,
)
from keras_losses.registry import (
    ALIASES,
    all_names,
    describe,
    for_logits,
    get,
    keras_names,
    names,
    takes_from_logits,
)
from keras_losses.similarity import CauchySchwarz, Tanimoto, cauchy_schwarz, tanimoto
from keras_losses.taylor import TaylorCrossEntropy, taylor_ce
from keras_losses.tempered import BiTempered, bi_tempered

compat.install(registry.classes_by_name())

# fmt: off
__all__ = [
    # The registry and the building blocks.
    "__version__", "get", "names", "keras_names", "all_names", "describe", "for_logits", "takes_from_logits",
    "ALIASES", "ClassificationLoss", "LossInfo", "Tunable", "class_balanced_weights", "inverse_frequency_weights",
    "ldam_margins", "vs_factors", "active_passive",
    # The classes, in the order of `names()`, then the compatibility and Keras wrappers.
    "L1", "L2", "Expectation", "RegularizedExpectation", "Chebyshev", "OvrHinge", "OvrSquaredHinge",
    "OvrCubedHinge", "LogLoss", "SquaredLog", "Tanimoto", "CauchySchwarz", "Logistic", "LogisticINR", "Focal",
    "Poly1", "GeneralizedCrossEntropy", "SymmetricCrossEntropy", "NCEPlusRCE", "NormalizedFocal", "NormalizedGCE",
    "NormalizedMAE", "NCEPlusMAE", "NFLPlusRCE", "NFLPlusMAE", "NGCEPlusRCE", "NGCEPlusMAE", "ANLCE", "ANLFL",
    "AGCE", "AUL", "AEL", "JensenShannon", "BiTempered", "BootstrapSoft", "BootstrapHard", "TaylorCrossEntropy",
    "ForwardCorrected", "BackwardCorrected", "LogitAdjusted", "BalancedSoftmax", "LDAM", "VS", "Seesaw",
    "PerExampleLogisticINR", "KerasLoss",
    # The per-example functions, in the same order.
    "l1", "l2", "expectation", "regularized_expectation", "chebyshev", "ovr_hinge", "ovr_squared_hinge",
    "ovr_cubed_hinge", "log_loss", "squared_log", "tanimoto", "cauchy_schwarz", "logistic", "logistic_inr", "focal",
    "poly1", "gce", "sce", "nce_rce", "nfl", "ngce", "nmae", "nce_mae", "nfl_rce", "nfl_mae", "ngce_rce", "ngce_mae",
    "anl_ce", "anl_fl", "agce", "aul", "ael", "js", "bi_tempered", "bootstrap_soft", "bootstrap_hard", "taylor_ce",
    "forward_corrected", "backward_corrected", "logit_adjusted", "balanced_softmax", "ldam", "vs", "seesaw",
    "per_example_logistic_inr", "keras_loss",
]
# fmt: on
