#!/bin/bash
# LDAM with deferred re-weighting in its authors' setting (cosine head, s = 30) at imbalance ρ = 100 (RESULTS.md,
# "Newer loss families"). Run from a checkout next to shared/. The unweighted ldam and log_loss records at ρ = 100
# were copied from results/long_tail_mnist_cosine (the same runs); rerunning resumes. OUT defaults to this folder.
OUT=${OUT:-results/ldam_drw_cosine_mnist}
PY=${PY:-.venv/bin/python}
$PY -m zoo.compare --dataset=npz:../shared/data/mnist.npz --losses=ldam,log_loss --models=mlp --depths=2 \
    --seeds=0,1,2 --epochs=15 --batch_size=128 --label_noise=0 --imbalance=100 --head=cosine \
    --class_weighting=none,drw:10 --noprogress --out=$OUT
