#!/bin/bash
# Dense (segmentation) losses on MNIST digits on a canvas (RESULTS.md, "Multi-label and dense tasks (issue 28)"):
# 1-2 MNIST digits placed on a 48x48 canvas (zoo.data.task_datasets.mnist_segmentation), mask = digit + 1 on the
# stroke (intensity >= 0.5), 0 background: 11 classes per pixel; 3 000 training / 1 000 test canvases (test canvases
# from MNIST's test digits). The zoo's unet, depth 2, width 8; clean labels.
# Run from the checkout root; MNIST defaults to ../shared/data/mnist.npz (Keras's mnist.npz). The data npz is built
# into this folder's data/ (ignored by git, never committed). Rerunning resumes (finished runs are skipped).
OUT=${OUT:-results/dense_mnist_segmentation}
PY=${PY:-.venv/bin/python}
MNIST=${MNIST:-../shared/data/mnist.npz}
SEEDS=${SEEDS:-0,1,2}
DATA=$OUT/data/seg48.npz
mkdir -p "$OUT/data"
[ -f "$DATA" ] || $PY results/dense_mnist_segmentation/make_data.py "$MNIST" "$DATA" 3000 1000 48
C="--dataset=npz:$DATA --task=dense --models=unet --depths=2 --width=8 --seeds=$SEEDS --epochs=8 --batch_size=32 --noprogress"
$PY -m zoo.compare $C --losses=log_loss,focal,tanimoto,cauchy_schwarz --label_noise=0 --out=$OUT
$PY -m zoo.compare $C --losses=log_loss,gce --label_noise=0 --out=$OUT  # gce added in a second pass (log_loss skipped: finished)
# Label noise (third pass): every training pixel's label moved to another class, drawn uniformly, with probability
# 0.2 (symmetric, per position); the validation and test masks stay clean.
$PY -m zoo.compare $C --losses=log_loss,focal,tanimoto,cauchy_schwarz,gce --label_noise=0.2 --noise_type=symmetric --out=$OUT
