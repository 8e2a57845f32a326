#!/bin/bash
# Loss correction (Patrini et al. 2017) with the true and with an estimated transition matrix at label noise 0.4
# (RESULTS.md, "New loss families"). Run from a checkout next to shared/ (../shared/data/mnist.npz is part of the
# run keys). The log_loss and nce_rce records without --correction were copied from results/noise_mnist (the
# same runs); rerunning resumes. OUT defaults to this folder.
OUT=${OUT:-results/loss_correction_mnist}
PY=${PY:-.venv/bin/python}
C="--dataset=npz:../shared/data/mnist.npz --models=mlp --depths=2 --seeds=0,1,2 --epochs=15 --batch_size=128 --label_noise=0.4 --noprogress"
for NOISE in --noise_type=asymmetric:mnist --noise_type=symmetric; do
  $PY -m zoo.compare $C $NOISE --losses=log_loss,nce_rce,forward_corrected,backward_corrected --out=$OUT
  $PY -m zoo.compare $C $NOISE --losses=log_loss,forward_corrected,backward_corrected --correction=estimated --out=$OUT
done
