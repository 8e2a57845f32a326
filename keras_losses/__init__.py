"""keras_losses: loss functions for deep classifiers, Keras-native.

    import keras_losses
    model.compile(loss="cauchy_schwarz")                 # by canonical name
    model.compile(loss=keras_losses.get("focal", gamma=1.0, from_logits=True))

`names()` lists the canonical names, `describe(name)` gives formula, what
the loss acts on, defaults and paper, and `get(name, **config)` builds a
configured instance (Keras's classification losses included). Every class is
registered for serialization under the package name `keras_losses`, so a
saved `.keras` model loads after `import keras_losses`.
"""

from keras_losses import compat, registry
from keras_losses._version import __version__
from keras_losses.base import ClassificationLoss
from keras_losses.janocha import (
    L1,
    L2,
    CauchySchwarz,
    Chebyshev,
    Expectation,
    LogLoss,
    OvrCubedHinge,
    OvrHinge,
    OvrSquaredHinge,
    RegularizedExpectation,
    SquaredLog,
    Tanimoto,
    cauchy_schwarz,
    chebyshev,
    expectation,
    l1,
    l2,
    log_loss,
    ovr_cubed_hinge,
    ovr_hinge,
    ovr_squared_hinge,
    regularized_expectation,
    squared_log,
    tanimoto,
)
from keras_losses.keras_builtin import KerasLoss, keras_loss
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
from keras_losses.robust import (
    Focal,
    GeneralizedCrossEntropy,
    NCEPlusRCE,
    Poly1,
    SymmetricCrossEntropy,
    focal,
    gce,
    nce_rce,
    poly1,
    sce,
)

compat.install(registry.classes_by_name())
