"""The smallest sweep `python -m zoo.compare` runs: one loss, one depth, one seed, one epoch on blobs."""

FLAGS = ("--dataset=blobs", "--losses=l2", "--depths=1", "--seeds=0", "--label_noise=0", "--epochs=1", "--noprogress")
