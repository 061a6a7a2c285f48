"""Average the weights of several fine-tuned plate line models (a "model soup").

Short fine-tunes of the same model on different rendered plates land near each other; their mean is one model
of the same size and speed that is steadier on real crops than any one of them (checkpoints of one run move by
±4 CCTV plates from epoch to epoch). Every ingredient must be fine-tuned from the same start (train.py --init),
so that their exported graphs (Conv and BatchNorm fused by the exporter) have the same initializers.

    /usr/bin/python3 soup.py OUT.onnx IN1.onnx IN2.onnx …
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def soup(out, paths):
    models = [onnx.load(p) for p in paths]
    weights = [{i.name: numpy_helper.to_array(i) for i in m.graph.initializer} for m in models]
    base = models[0]
    names = set(weights[0])
    for p, w in zip(paths[1:], weights[1:]):
        if set(w) != names or any(w[n].shape != weights[0][n].shape for n in names):
            sys.exit(f"soup: {p} is not the same model as {paths[0]} (initializers differ)")
    for init in base.graph.initializer:
        first = weights[0][init.name]
        if not np.issubdtype(first.dtype, np.floating):
            continue  # shapes and indices: the same in every ingredient
        mean = np.mean([w[init.name].astype(np.float64) for w in weights], axis=0).astype(first.dtype)
        init.CopyFrom(numpy_helper.from_array(mean, init.name))
    onnx.checker.check_model(base)
    onnx.save(base, out)
    print(f"soup of {len(paths)} models -> {out}")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: soup.py OUT.onnx IN1.onnx IN2.onnx [IN3.onnx …]")
    soup(sys.argv[1], sys.argv[2:])
