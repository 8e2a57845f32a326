"""The suite's own hygiene: what one test sets in the environment does not reach the next."""

import os

VARIABLE = "KERASTUNER_TUNER_ID"  # What zoo.distributed.configure sets; leaked, it turns subprocesses into workers.


def test_a_test_may_set_the_environment():
    os.environ[VARIABLE] = "worker0"


def test_the_next_test_does_not_see_it():
    assert os.environ.get(VARIABLE) != "worker0"
