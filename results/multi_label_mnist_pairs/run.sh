#!/bin/bash
# Multi-label losses on MNIST digit pairs (RESULTS.md, "Multi-label and dense tasks (issue 28)"): two MNIST digits
# side by side on a 32x64 canvas (zoo.data.task_datasets.mnist_pairs), 10 labels = which digits are present;
# 20 000 training / 5 000 test canvases (test canvases from MNIST's test digits). Clean, then each label bit flipped
# with rate 0.2 (symmetric), then each positive dropped with rate 0.2 (missing labels); the test labels stay clean.
# Run from the checkout root; MNIST defaults to ../shared/data/mnist.npz (Keras's mnist.npz). The data npz is built
# into this folder's data/ (ignored by git, never committed). Rerunning resumes (finished runs are skipped).
OUT=${OUT:-results/multi_label_mnist_pairs}
PY=${PY:-.venv/bin/python}
MNIST=${MNIST:-../shared/data/mnist.npz}
DATA=$OUT/data/pairs.npz
mkdir -p "$OUT/data"
[ -f "$DATA" ] || $PY results/multi_label_mnist_pairs/make_data.py "$MNIST" "$DATA" 20000 5000
C="--dataset=npz:$DATA --task=multi_label --models=mlp --depths=2 --seeds=0,1,2 --epochs=10 --batch_size=128 --noprogress"
L="--losses=logistic,sigmoid_focal,asymmetric,l2,ovr_squared_hinge,l1,ovr_hinge,ovr_cubed_hinge --reference=logistic"
$PY -m zoo.compare $C $L --label_noise=0 --out=$OUT
$PY -m zoo.compare $C $L --label_noise=0.2 --noise_type=symmetric --out=$OUT
$PY -m zoo.compare $C $L --label_noise=0.2 --noise_type=missing --out=$OUT
