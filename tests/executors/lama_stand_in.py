"""A tiny ONNX stand-in for LaMa, built with onnx's helper API (for tests/executors/test_lama.py and
bench/remove.py): LaMa's inputs and output (an RGB picture [1, 3, 512, 512] in 0..1 and a mask
[1, 1, 512, 512], 1 = fill; out [1, 3, 512, 512] in 0..255), filling the hole with the mean colour of
what it can see."""

from __future__ import annotations


def build_mean_fill_model(path, size: int = 512, names=("image", "mask", "output")) -> str:
    import onnx
    from onnx import TensorProto, helper

    image, mask, output = names
    nodes = [
        helper.make_node("Sub", ["one", mask], ["keep"]),
        helper.make_node("Mul", [image, "keep"], ["known"]),
        helper.make_node("ReduceMean", ["known"], ["known_mean"], axes=[2, 3], keepdims=1),
        helper.make_node("ReduceMean", ["keep"], ["keep_mean"], axes=[2, 3], keepdims=1),
        helper.make_node("Div", ["known_mean", "keep_mean"], ["colour"]),
        helper.make_node("Mul", ["colour", mask], ["hole"]),
        helper.make_node("Add", ["known", "hole"], ["filled"]),
        helper.make_node("Mul", ["filled", "scale"], [output]),
    ]
    graph = helper.make_graph(
        nodes, "lama_stand_in",
        [helper.make_tensor_value_info(image, TensorProto.FLOAT, [1, 3, size, size]),
         helper.make_tensor_value_info(mask, TensorProto.FLOAT, [1, 1, size, size])],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, [1, 3, size, size])],
        initializer=[helper.make_tensor("one", TensorProto.FLOAT, [], [1.0]),
                     helper.make_tensor("scale", TensorProto.FLOAT, [], [255.0])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return str(path)
