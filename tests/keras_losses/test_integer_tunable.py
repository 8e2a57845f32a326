"""Integer tunables (`Tunable.integer`): declared once in `register(...)`, shown by `describe()`, the table
of `python -m keras_losses` and the catalogue (docs/losses/); taylor_ce's `order` is one, bi_tempered's
`num_iters` (the precision of its normalisation, not a modelling choice) is not."""

import pytest

import keras_losses
from keras_losses import base, catalogue
from keras_losses.__main__ import table


def test_describe_shows_taylor_orders_as_an_integer_range():
    info = keras_losses.describe("taylor_ce")
    assert info["tunable"] == {"order": {"low": 2, "high": 8, "sampling": "linear", "kind": "int", "step": 2}}
    assert info["defaults"]["order"] == 2  # the default is one of the values searched
    assert base.Tunable(**info["tunable"]["order"]).values() == [2, 4, 6, 8]


def test_float_ranges_say_they_are_floats():
    assert keras_losses.describe("focal")["tunable"]["gamma"] == {
        "low": 0.0,
        "high": 5.0,
        "sampling": "linear",
        "kind": "float",
        "step": None,
    }


def test_only_modelling_integers_are_tuned():
    integers = {
        name: [arg for arg, value in keras_losses.describe(name)["defaults"].items() if type(value) is int]
        for name in keras_losses.names()
    }
    assert {name: args for name, args in integers.items() if args} == {
        "bi_tempered": ["num_iters"],
        "taylor_ce": ["order"],
    }
    assert "num_iters" not in keras_losses.describe("bi_tempered")["tunable"]


def test_table_and_catalogue_show_the_values_searched():
    row = next(line for line in table().splitlines() if line.startswith("| `taylor_ce` "))
    assert "order ∈ {2, 4, 6, 8}" in row
    assert "- **Tuned over** (keras-tuner search): `order` ∈ {2, 4, 6, 8}" in catalogue.family_page("taylor")
    assert "`gamma` ∈ [0, 5]" in catalogue.family_page("cross_entropy_variants")
    long = base.Tunable.integer(1, 20)
    assert long.text("n") == "n ∈ {1, 2, …, 20}"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: base.Tunable.integer(2, 8, step=4), "multiple of step"),
        (lambda: base.Tunable.integer(2.0, 8), "must be integers"),
        (lambda: base.Tunable.integer(2, 8, step=0), "step ≥ 1"),
        (lambda: base.Tunable(0.1, 0.9, step=2), "step applies to integer ranges"),
        (lambda: base.Tunable(0.9, 0.1), "must be below high"),
        (lambda: base.Tunable(0.1, 0.9, kind="integer"), "kind must be 'float' or 'int'"),
        (lambda: base.Tunable(0.1, 0.9, sampling="exp"), "sampling must be 'linear' or 'log'"),
    ],
)
def test_bad_ranges_are_refused_where_declared(make, message):
    with pytest.raises(ValueError, match=message):
        make()
