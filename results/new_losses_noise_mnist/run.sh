#!/bin/bash
# The new noise-robust families against the leaders at label noise 0.4 (RESULTS.md, "New loss families").
# Run from a checkout next to shared/ (as every RESULTS.md command: ../shared/data/mnist.npz is part of the run
# keys). The log_loss, gce, sce and nce_rce records at 0.4 were copied from results/noise_mnist (the same run
# keys: the same runs); rerunning resumes (finished runs are skipped). OUT defaults to this folder.
OUT=${OUT:-results/new_losses_noise_mnist}
PY=${PY:-.venv/bin/python}
C="--dataset=npz:../shared/data/mnist.npz --models=mlp --depths=2 --seeds=0,1,2 --epochs=15 --batch_size=128 --label_noise=0.4 --noprogress"
N="--losses=log_loss,gce,sce,nce_rce,anl_ce,anl_fl,bi_tempered,js,agce,nce_mae"
$PY -m zoo.compare $C $N --noise_type=asymmetric:mnist --out=$OUT
$PY -m zoo.compare $C $N --out=$OUT
