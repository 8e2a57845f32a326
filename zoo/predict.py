"""`python -m zoo.predict`: the prediction command, defined in `zoo.serving.predict` (see there)."""

from zoo.serving.predict import command, main  # noqa: F401  (also the old import path of main)

if __name__ == "__main__":
    command()
