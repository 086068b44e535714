"""Tiny ONNX stand-ins with the inputs and outputs of the real models, built with onnx's helper API,
and a tiny tokenizer.json. Shared by the segmentation tests and bench/segment.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _save(graph, path: Path) -> Path:
    import onnx
    from onnx import helper

    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # readable by onnxruntime 1.16+
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def segformer_like(path: Path, weights: np.ndarray) -> Path:
    """pixel_values [1,3,H,W] -> logits [1,C,H/4,W/4]: a 1x1 conv (`weights` is C x 3) then a 4x4
    average pool, like SegFormer's logits at a quarter of the input."""
    from onnx import TensorProto, helper, numpy_helper

    c = weights.shape[0]
    w = numpy_helper.from_array(weights.reshape(c, 3, 1, 1).astype(np.float32), "w")
    nodes = [
        helper.make_node("Conv", ["pixel_values", "w"], ["conv"]),
        helper.make_node("AveragePool", ["conv"], ["logits"], kernel_shape=[4, 4], strides=[4, 4]),
    ]
    graph = helper.make_graph(
        nodes, "segformer_like",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, [1, 3, "height", "width"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, c, "h4", "w4"])],
        [w],
    )  # fmt: skip
    return _save(graph, path)


def maskformer_like(path: Path, class_logits: np.ndarray) -> Path:
    """pixel_values -> class_queries_logits [1,Q,C+1] (constant) and masks_queries_logits [1,Q,H/4,W/4]
    (query q's mask is input channel q, so Q = 3)."""
    from onnx import TensorProto, helper, numpy_helper

    q, c1 = class_logits.shape
    w = numpy_helper.from_array(np.eye(q, 3, dtype=np.float32).reshape(q, 3, 1, 1) * 4, "w")
    cls = numpy_helper.from_array(class_logits[None].astype(np.float32), "cls")
    nodes = [
        helper.make_node("Conv", ["pixel_values", "w"], ["conv"]),
        helper.make_node("AveragePool", ["conv"], ["masks_queries_logits"], kernel_shape=[4, 4], strides=[4, 4]),
        helper.make_node("Identity", ["cls"], ["class_queries_logits"]),
    ]
    graph = helper.make_graph(
        nodes, "maskformer_like",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, [1, 3, "height", "width"])],
        [helper.make_tensor_value_info("class_queries_logits", TensorProto.FLOAT, [1, q, c1]),
         helper.make_tensor_value_info("masks_queries_logits", TensorProto.FLOAT, [1, q, "h4", "w4"])],
        [w, cls],
    )  # fmt: skip
    return _save(graph, path)


def clipseg_like(path: Path, embeddings: np.ndarray, size: int = 352, bias: float = -3.0) -> Path:
    """input_ids [1,L], attention_mask [1,L], pixel_values [1,3,S,S] -> logits [1,S,S]: each token's
    embedding (V x 3) weights the colour channels, the strongest token wins, minus `bias`. So the
    phrase `red` lights up red pixels, as CLIPSeg lights up what the phrase names."""
    from onnx import TensorProto, helper, numpy_helper

    emb = numpy_helper.from_array(embeddings.astype(np.float32), "emb")
    shape = numpy_helper.from_array(np.array([1, 3, 1, 1], np.int64), "shape")
    b = numpy_helper.from_array(np.array(bias, np.float32), "bias")
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    nodes = [
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),  # the input is read
        helper.make_node("Gather", ["emb", "input_ids"], ["tok"]),  # [1, L, 3]
        helper.make_node("ReduceMax", ["tok"], ["best"], axes=[1], keepdims=0),  # [1, 3]
        helper.make_node("Reshape", ["best", "shape"], ["weights"]),
        helper.make_node("Mul", ["pixel_values", "weights"], ["weighted"]),
        helper.make_node("ReduceSum", ["weighted", "axes"], ["summed"], keepdims=0),  # [1, S, S]
        helper.make_node("ReduceMax", ["mask_f"], ["one"], keepdims=0),
        helper.make_node("Mul", ["summed", "one"], ["gated"]),
        helper.make_node("Add", ["gated", "bias"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "clipseg_like",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, [1, "tokens"]),
         helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, size, size])],
        [emb, shape, b, axes],
    )  # fmt: skip
    return _save(graph, path)


def tokenizer_json(path: Path, words: list[str]) -> Path:
    """A word-level tokenizer.json with CLIP's start and end tokens (ids 0 and 1), then `words`, then [UNK]."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1, **{w: i + 2 for i, w in enumerate(words)}}
    vocab["[UNK]"] = len(vocab)
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="<|startoftext|> $A <|endoftext|>", special_tokens=[("<|startoftext|>", 0), ("<|endoftext|>", 1)])
    path.parent.mkdir(parents=True, exist_ok=True)
    tok.save(str(path))
    return path
