"""What the engines share: the optimizer factory."""

import pytest

from zoo.engines import training


def test_unknown_optimizer_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown optimizer 'adma'"):
        training.make_optimizer("adma", 0.1)
