"""A run's data condition as a value: label noise, input noise, validation labels, imbalance, class weights.

Records store a condition's parts as fields (`label_noise`, `noise_type`, `input_noise`,
`noisy_validation`, `imbalance`, `imbalance_profile`, `class_weighting`, `correction`, `bias_init`); `Condition.of`
reads them back (records from before a field existed read as its default), and the report's
tables, plots and summary, `Comparison.best()` and tuning's leaderboard name conditions with
`label()` (long) and `short()` (the terminal summary's column). `task` (None for single-label,
as in records from before tasks) and `ignore_class` tell conditions of different tasks apart;
a report states its task in its header, so they name nothing in the labels. `head` is room for
an axis to come: empty, it changes no label and no order.

>>> Condition.of({"label_noise": 0.4, "noise_type": "symmetric", "input_noise": 0.0}).label()
'label noise 0.4 (symmetric)'
>>> c = Condition(imbalance=10.0, class_weighting="inverse")
>>> c.label(), c.short()
('imbalance ρ=10, inverse weights', 'ρ=10, inverse')
>>> Condition(0.2, "symmetric", input_noise=0.5, noisy_validation=True).short()
'labels 0.2 + input σ 0.5 + noisy validation'
>>> sorted([Condition(0.4), Condition(imbalance=100.0), Condition(imbalance=10.0), Condition()])[0].label()
'clean'
"""

import dataclasses

from zoo.data.noise import HUMAN_PREFIX, MATRIX_PREFIX  # The kinds of a transition matrix and of human labels.

DEFAULT_PROFILE = "exponential"  # `zoo.data.imbalance`'s; named in a label only when another.


@dataclasses.dataclass(frozen=True)
class Condition:
    """What a run's data were put under (everything of a setting but the model, seed and training)."""

    label_noise: float = 0.0
    noise_type: str = "symmetric"  # "symmetric", "pair", "asymmetric:MAP", "matrix:HASH", "human:SET".
    input_noise: float = 0.0
    noisy_validation: bool = False
    imbalance: float | None = None  # None: the data as loaded.
    imbalance_profile: str | None = None
    class_weighting: str | None = None  # None: unweighted.
    task: str | None = None  # "multi_label" or "dense"; None: single-label. Not in labels (the header says it).
    head: str | None = None  # Room for the head: None names nothing.
    ignore_class: int | None = None  # Dense masks' void label.
    correction: str | None = None  # "estimated" transition matrix of the loss corrections; None: the true one.
    bias_init: str | None = None  # "prior" last-layer bias; None: zeros.

    @classmethod
    def of(cls, record: dict) -> "Condition":
        """The condition of a result record (or of a dict with some of its fields)."""
        imbalance = record.get("imbalance") or None
        return cls(
            label_noise=record.get("label_noise") or 0.0,
            noise_type=record.get("noise_type") or "symmetric",
            input_noise=record.get("input_noise") or 0.0,
            noisy_validation=bool(record.get("noisy_validation")),
            imbalance=imbalance,
            imbalance_profile=(record.get("imbalance_profile") or DEFAULT_PROFILE) if imbalance else None,
            class_weighting=record.get("class_weighting") or None,
            task=None if record.get("task") in (None, "single_label") else record["task"],
            ignore_class=record.get("ignore_class"),
            correction=record.get("correction") or None,
            bias_init=record.get("bias_init") or None,
        )

    @property
    def kind(self) -> str:
        """The label noise kind in few letters: symmetric, pair, asymmetric:MAP, matrix, human:SET."""
        return "matrix" if self.noise_type.startswith(MATRIX_PREFIX) else self.noise_type

    @property
    def noisy_labels(self) -> bool:
        """Whether the training labels are noisy: a rate, a transition matrix or human labels."""
        return bool(self.label_noise) or self.noise_type.startswith((MATRIX_PREFIX, HUMAN_PREFIX))

    def extras(self) -> list[str]:
        """The parts beyond label and input noise, in words: "noisy validation", "imbalance ρ=10", ..."""
        found = ["noisy validation"] if self.noisy_validation else []
        if self.imbalance:
            profile = self.imbalance_profile or DEFAULT_PROFILE
            found.append(f"imbalance ρ={self.imbalance:g}" + ("" if profile == DEFAULT_PROFILE else f" ({profile})"))
        if self.class_weighting:
            found.append(f"{self.class_weighting} weights")
        found += ["estimated T"] * (self.correction == "estimated") + ["prior bias"] * (self.bias_init == "prior")
        return found + ([f"head {self.head}"] if self.head else [])

    def label(self, symmetric_kind: bool = True) -> str:
        """e.g. "clean", "label noise 0.4 (symmetric)", "input σ 0.5", "imbalance ρ=10, inverse weights".

        `symmetric_kind=False` leaves "(symmetric)" out (the heatmap's narrow columns).
        """
        kind = "" if self.noise_type == "symmetric" and not symmetric_kind else f" ({self.noise_type})"
        parts = [f"label noise {self.label_noise:g}{kind}"] if self.label_noise else []
        if self.input_noise:
            parts.append(f"input σ {self.input_noise:g}")
        return ", ".join(parts + self.extras()) or "clean"

    def short(self) -> str:
        """The terminal summary's column: "labels 0.4", "labels 0.2 pair + input σ 1", "ρ=10, inverse"."""
        extras = [part.removeprefix("imbalance ").removesuffix(" weights") for part in self.extras()]
        kind = "" if self.kind == "symmetric" else f" {self.kind}"
        parts = [f"labels {self.label_noise:g}{kind}"] if self.label_noise else []
        parts += [f"input σ {self.input_noise:g}"] if self.input_noise else []
        return " + ".join(parts + ([", ".join(extras)] if extras else [])) or "clean"

    def summary_column(self) -> "Condition":
        """The condition as the terminal summary groups it: the label noise kind in few letters, none when clean."""
        return dataclasses.replace(self, noise_type=self.kind if self.label_noise else "")

    def sort_key(self) -> tuple:
        """Label noise (rate, kind), validation labels, imbalance, class weights, then input noise."""
        return (
            self.label_noise,
            self.noise_type,
            self.noisy_validation,
            self.imbalance or 1.0,
            self.imbalance_profile or "",
            self.class_weighting or "",
            self.correction or "",
            self.bias_init or "",
            self.input_noise,
            self.task or "",
            self.head or "",
            -1 if self.ignore_class is None else self.ignore_class,
        )

    def __lt__(self, other: "Condition") -> bool:
        return self.sort_key() < other.sort_key()
