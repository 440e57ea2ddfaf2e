#!/usr/bin/env python3
"""Golden logits from Hugging Face transformers for the engine's tiny Qwen2 fixture.

Loads the checkpoint (config.json + model.safetensors, Hugging Face layout) with
Qwen2ForCausalLM in float32, eager attention, runs each fixed token sequence alone (no padding)
and writes {"sequences": [{"tokens": [...], "logits": [[...] per position]}], versions} to JSON.
GoldenLogitsTest compares the engine's logits to that file when it exists.

The fixture is TestModels.checkpoint(TestModels.untied(), 5, false) written by
ModelCheckpoint.write (GoldenLogitsTest checks that the committed files are exactly that).

Usage (a host with torch and transformers, no network needed):
  python3 .ci/golden_logits.py \
      pipeline/src/test/resources/golden/tiny-qwen2 \
      pipeline/src/test/resources/golden/golden-logits.json
"""
import json
import sys

import torch
import transformers
from transformers import Qwen2ForCausalLM

# Token ids below the fixture's vocabulary (97): a short one, a repetitive one, a longer one.
SEQUENCES = [
    [3, 17, 42, 8, 1],
    [5, 5, 5, 5, 60, 61, 62, 63],
    [96, 0, 11, 23, 37, 41, 53, 67, 71, 83, 89, 2, 14, 28, 9, 50],
]


def main(model_dir: str, output: str) -> None:
    torch.manual_seed(0)
    model = Qwen2ForCausalLM.from_pretrained(
        model_dir, torch_dtype=torch.float32, attn_implementation="eager"
    )
    model.eval()
    results = []
    with torch.no_grad():
        for tokens in SEQUENCES:
            logits = model(torch.tensor([tokens], dtype=torch.long)).logits[0]
            results.append({"tokens": tokens, "logits": logits.float().tolist()})
    with open(output, "w") as f:
        json.dump(
            {
                "model": "TestModels.checkpoint(TestModels.untied(), 5, false)",
                "torch": torch.__version__,
                "transformers": transformers.__version__,
                "dtype": "float32",
                "sequences": results,
            },
            f,
        )
    print(f"wrote {len(results)} sequences of golden logits to {output}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: golden_logits.py MODEL_DIR OUTPUT_JSON")
    main(sys.argv[1], sys.argv[2])
