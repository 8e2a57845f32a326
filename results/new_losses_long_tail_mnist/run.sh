#!/bin/bash
# VS, seesaw, deferred re-weighting and the prior bias against logit adjustment at imbalance ρ = 100
# (RESULTS.md, "New loss families"). Run from a checkout next to shared/ (../shared/data/mnist.npz is part of the
# run keys). The unweighted log_loss, logit_adjusted and ldam records at ρ = 100 were copied from
# results/long_tail_mnist (the same runs); rerunning resumes. OUT defaults to this folder.
OUT=${OUT:-results/new_losses_long_tail_mnist}
PY=${PY:-.venv/bin/python}
C="--dataset=npz:../shared/data/mnist.npz --models=mlp --depths=2 --seeds=0,1,2 --epochs=15 --batch_size=128 --label_noise=0 --imbalance=100 --noprogress"
$PY -m zoo.compare $C --losses=log_loss,logit_adjusted,ldam,vs,seesaw --class_weighting=none,drw:10 --out=$OUT
$PY -m zoo.compare $C --losses=log_loss,logit_adjusted --bias_init=prior --out=$OUT
