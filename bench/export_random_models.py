"""Export the catalog's architectures with random weights, at the real models' sizes, to ONNX: what
`bench/segment.py --real-size DIR` times. Needs torch and transformers (not a dependency of the project:
run it with any Python that has them, e.g. a separate venv); nothing is downloaded, the configurations
are written out here from the models' published config.json.

    python bench/export_random_models.py DIR      # DIR/<entry>/<the entry's model path>

SegFormer-B0 ADE20K stays fp32 (the catalog's file is fp32); the others are int8 (dynamic quantisation,
as the catalog's `model_quantized.onnx` files are).
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

SIZE = 512


def segformer(hidden: list[int], depths: list[int], decoder: int, labels: int) -> torch.nn.Module:
    from transformers import SegformerConfig, SegformerForSemanticSegmentation

    cfg = SegformerConfig(hidden_sizes=hidden, depths=depths, decoder_hidden_size=decoder, num_labels=labels,
                          num_attention_heads=[1, 2, 5, 8], sr_ratios=[8, 4, 2, 1])
    return SegformerForSemanticSegmentation(cfg)


def maskformer() -> torch.nn.Module:
    from transformers import MaskFormerConfig, MaskFormerForInstanceSegmentation, SwinConfig

    swin = SwinConfig(embed_dim=96, depths=[2, 2, 6, 2], num_heads=[3, 6, 12, 24], window_size=7,
                      out_features=["stage1", "stage2", "stage3", "stage4"])
    return MaskFormerForInstanceSegmentation(MaskFormerConfig(backbone_config=swin, num_labels=133))


def clipseg() -> torch.nn.Module:
    from transformers import CLIPSegConfig, CLIPSegForImageSegmentation

    return CLIPSegForImageSegmentation(CLIPSegConfig(reduce_dim=64))


class Outputs(torch.nn.Module):
    """The model with plain tensor inputs and named outputs, as the catalog's exports have."""

    def __init__(self, model: torch.nn.Module, names: list[str]) -> None:
        super().__init__()
        self.model, self.names = model.eval(), names

    def forward(self, *args: torch.Tensor) -> tuple[torch.Tensor, ...]:
        if len(args) == 1:
            out = self.model(pixel_values=args[0])
        else:
            out = self.model(input_ids=args[0], attention_mask=args[1], pixel_values=args[2])
        return tuple(getattr(out, n) for n in self.names)


def export(model: torch.nn.Module, path: Path, inputs: dict[str, torch.Tensor], outputs: list[str], quantise: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = path.with_suffix(".fp32.onnx") if quantise else path
    with torch.no_grad():
        torch.onnx.export(Outputs(model, outputs), tuple(inputs.values()), str(raw), input_names=list(inputs),
                          output_names=outputs, opset_version=17, dynamo=False)
    if quantise:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(raw), str(path), weight_type=QuantType.QUInt8)
        raw.unlink()
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB", flush=True)


def main() -> None:
    out = Path(sys.argv[1])
    torch.manual_seed(0)
    image = {"pixel_values": torch.rand(1, 3, SIZE, SIZE)}
    jobs = {
        "segformer_ade20k": (lambda: segformer([32, 64, 160, 256], [2, 2, 2, 2], 256, 150), "onnx/model.onnx", image, ["logits"], False),
        "human_parsing": (lambda: segformer([64, 128, 320, 512], [3, 4, 6, 3], 768, 18), "onnx/model_quantized.onnx", image, ["logits"], True),
        "maskformer_coco": (maskformer, "onnx/model_quantized.onnx", image, ["class_queries_logits", "masks_queries_logits"], True),
        "clipseg": (clipseg, "onnx/model_quantized.onnx",
                    {"input_ids": torch.ones(1, 7, dtype=torch.int64), "attention_mask": torch.ones(1, 7, dtype=torch.int64),
                     "pixel_values": torch.rand(1, 3, 352, 352)}, ["logits"], True),
    }  # fmt: skip
    for name in sys.argv[2:] or jobs:
        make, rel, inputs, outputs, quantise = jobs[name]
        target = out / name / rel
        if not target.is_file():
            export(make(), target, inputs, outputs, quantise)


if __name__ == "__main__":
    main()
