"""MiniLM's encoder rebuilt from its weights with onnxruntime's fused transformer operators.

The shipped ONNX export spells each attention block out in about 40 small operators
(reshapes, transposes, a mask built with ``Where`` and ``IsNaN``), and onnxruntime's
optimisers do not recognise that pattern, so a query of 166 tokens spent a third of its
time outside the matrix products. This module reads the weights of the export (after
onnxruntime has folded them to float) and writes the same network with one
``Attention``, two ``SkipLayerNormalization`` and one ``BiasGelu`` per layer
(``com.microsoft`` operators of onnxruntime's CPU provider). In float it gives the
export's vectors (tests/test_embeddings.py); quantised to int8 it encodes a 166-token
ticket in 0.70-0.86 of the time of the export quantised as it is, at the same WixQA
quality (docs/benchmarks.md, "A fused MiniLM for KB queries").

Weights are found by name: each bias ``inner.encoder.layer.N.…bias`` is added to the
output of the ``MatMul`` whose second input is the matching weight. An export laid out
otherwise raises :class:`UnknownLayout`; the caller then quantises the export as it is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

HIDDEN = 384
HEADS = 12  # all-MiniLM-L6-v2: 12 heads of 32 (the float rebuild's test checks it)
EPSILON = 1e-12  # BERT's layer-norm epsilon
_EMBEDDINGS = "inner.embeddings."
_LAYER = "inner.encoder.layer.{}."


class UnknownLayout(ValueError):
    """The ONNX export is not laid out as the one this module was written against."""


def fused_graph(folded: Any) -> Any:
    """The network of ``folded`` (an ``onnx.ModelProto``) with fused operators, in float.

    Same inputs (``input_ids``, ``attention_mask``, ``token_type_ids``, int64, batch ×
    sequence) and output (``last_hidden_state``) as the export, so either runs in
    :class:`~supportgraph.tools.knowledge.embeddings.Encoder`.
    """
    from onnx import TensorProto, helper, numpy_helper

    weights = {i.name: numpy_helper.to_array(i) for i in folded.graph.initializer}
    made_by = {output: node for node in folded.graph.node for output in node.output}

    def matrix_for(bias: str) -> np.ndarray:
        for node in folded.graph.node:
            if node.op_type == "Add" and bias in node.input:
                (product,) = (name for name in node.input if name != bias)
                matmul = made_by.get(product)
                if matmul is not None and matmul.op_type == "MatMul" and matmul.input[1] in weights:
                    return weights[matmul.input[1]]
        raise UnknownLayout(f"no MatMul weight found for {bias}")

    def weight(name: str) -> np.ndarray:
        try:
            return weights[name]
        except KeyError:
            raise UnknownLayout(f"the export has no weight {name}") from None

    layers = sum(1 for name in weights if name.endswith("attention.self.query.bias"))
    if layers == 0:
        raise UnknownLayout("the export has no attention layers named as expected")

    constants: list[Any] = []

    def constant(name: str, value: np.ndarray) -> str:
        constants.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    for name in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
        constant(name, weight(f"{_EMBEDDINGS}{name}.weight"))
    constant("embeddings_gamma", weight(f"{_EMBEDDINGS}LayerNorm.weight"))
    constant("embeddings_beta", weight(f"{_EMBEDDINGS}LayerNorm.bias"))
    constant("zero", np.array([0], np.int64))
    nodes = [
        helper.make_node("Shape", ["input_ids"], ["length"], start=1, end=2),
        helper.make_node("Slice", ["position_embeddings", "zero", "length"], ["positions"]),
        helper.make_node("Gather", ["word_embeddings", "input_ids"], ["words"]),
        helper.make_node("Gather", ["token_type_embeddings", "token_type_ids"], ["segments"]),
        helper.make_node("Add", ["words", "segments"], ["words_segments"]),
        helper.make_node("Add", ["words_segments", "positions"], ["embedded"]),
        helper.make_node(
            "LayerNormalization",
            ["embedded", "embeddings_gamma", "embeddings_beta"],
            ["hidden_0"],
            axis=-1,
            epsilon=EPSILON,
        ),
        # Attention reads a 2-D mask of 1 (token) and 0 (padding) as int32.
        helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.INT32),
    ]
    shapes: list[Any] = []
    hidden = "hidden_0"
    for n in range(layers):
        prefix, at = _LAYER.format(n), f"layer{n}_"
        qkv = [f"{prefix}attention.self.{part}.bias" for part in ("query", "key", "value")]
        constant(at + "qkv_w", np.concatenate([matrix_for(b) for b in qkv], axis=1))
        constant(at + "qkv_b", np.concatenate([weight(b) for b in qkv]))
        for short, bias in (
            ("out", f"{prefix}attention.output.dense.bias"),
            ("up", f"{prefix}intermediate.dense.bias"),
            ("down", f"{prefix}output.dense.bias"),
        ):
            constant(at + short + "_w", matrix_for(bias))
            constant(at + short + "_b", weight(bias))
        for short, norm in (("norm1", "attention.output.LayerNorm"), ("norm2", "output.LayerNorm")):
            constant(at + short + "_g", weight(f"{prefix}{norm}.weight"))
            constant(at + short + "_b", weight(f"{prefix}{norm}.bias"))
        after = f"hidden_{n + 1}" if n < layers - 1 else "last_hidden_state"
        nodes += [
            helper.make_node(
                "Attention",
                [hidden, at + "qkv_w", at + "qkv_b", "mask"],
                [at + "attended"],
                domain="com.microsoft",
                num_heads=HEADS,
            ),
            helper.make_node("MatMul", [at + "attended", at + "out_w"], [at + "out"]),
            helper.make_node(
                "SkipLayerNormalization",
                [at + "out", hidden, at + "norm1_g", at + "norm1_b", at + "out_b"],
                [at + "normed"],
                domain="com.microsoft",
                epsilon=EPSILON,
            ),
            helper.make_node("MatMul", [at + "normed", at + "up_w"], [at + "up"]),
            helper.make_node(
                "BiasGelu", [at + "up", at + "up_b"], [at + "gelu"], domain="com.microsoft"
            ),
            helper.make_node("MatMul", [at + "gelu", at + "down_w"], [at + "down"]),
            helper.make_node(
                "SkipLayerNormalization",
                [at + "down", at + "normed", at + "norm2_g", at + "norm2_b", at + "down_b"],
                [after],
                domain="com.microsoft",
                epsilon=EPSILON,
            ),
        ]
        # The quantiser needs the type of every MatMul input; contrib outputs have none.
        for short, width in (("attended", HIDDEN), ("normed", HIDDEN), ("gelu", 4 * HIDDEN)):
            shapes.append(
                helper.make_tensor_value_info(
                    at + short, TensorProto.FLOAT, ["batch", "sequence", width]
                )
            )
        if n < layers - 1:
            shapes.append(
                helper.make_tensor_value_info(
                    after, TensorProto.FLOAT, ["batch", "sequence", HIDDEN]
                )
            )
        hidden = after
    inputs = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
        for name in ("input_ids", "attention_mask", "token_type_ids")
    ]
    output = helper.make_tensor_value_info(
        "last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", HIDDEN]
    )
    graph = helper.make_graph(nodes, "minilm_fused", inputs, [output], constants, value_info=shapes)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    )
    model.ir_version = 8
    return model
