"""The offline MiniLM encoder gives unit vectors where related texts are close."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from supportgraph.graph.context import home_dir
from supportgraph.tools.knowledge import embeddings
from supportgraph.tools.knowledge.embeddings import (
    DIMENSIONS,
    default_encoder,
    fast_encoder,
    kept_file,
)
from supportgraph.tools.knowledge.kb import read_articles
from supportgraph.tools.knowledge.kb_store import build_index, open_index


def test_vectors_are_unit_length_and_in_input_order() -> None:
    texts = [
        "I was charged twice this month",
        "Refund for a duplicate payment",
        "The export keeps timing out",
    ]
    vectors = default_encoder().encode(texts)
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2] + 0.2


def test_batching_does_not_change_the_vectors() -> None:
    texts = [f"ticket number {n} about exports" for n in range(10)] + ["short"]
    one_batch = default_encoder().encode(texts, batch_size=64)
    small_batches = default_encoder().encode(texts, batch_size=3)
    assert np.allclose(one_batch, small_batches, atol=1e-4)


def test_max_tokens_encodes_only_the_head_of_a_long_text() -> None:
    head = "cancel my duplicate payment"  # 4 word pieces, 6 tokens with [CLS] and [SEP]
    long_text = head + " and the export keeps timing out" * 40
    cut = default_encoder().encode([long_text], max_tokens=6)
    assert np.allclose(cut, default_encoder().encode([head]), atol=1e-5)
    assert not np.allclose(cut, default_encoder().encode([long_text]), atol=1e-2)


def test_fast_encoder_agrees_with_the_shipped_model() -> None:
    texts = [
        "I was charged twice this month, please refund the duplicate payment",
        "Die Synchronisierung schlägt seit dem Update fehl",
        "short",
    ]
    agreement = (fast_encoder().encode(texts) * default_encoder().encode(texts)).sum(axis=1)
    assert agreement.min() > 0.97


def _folded_export(folder: Path) -> Path:
    folded = folder / "folded.onnx"
    embeddings.fold_weights(embeddings._model_path(), folded)
    return folded


def test_the_fused_rebuild_in_float_gives_the_shipped_models_vectors(tmp_path: Path) -> None:
    import onnx

    from supportgraph.tools.knowledge.minilm_graph import fused_graph

    rebuilt = fused_graph(onnx.load(_folded_export(tmp_path)))
    ops = {node.op_type for node in rebuilt.graph.node}
    assert {"Attention", "SkipLayerNormalization", "BiasGelu"} <= ops
    assert not ops & {"Where", "IsNaN", "Transpose", "Softmax"}  # the export's attention
    encoder = embeddings.Encoder(rebuilt.SerializeToString(), embeddings._tokenizer_path())
    texts = [
        "I was charged twice this month, please refund the duplicate payment",
        "Die Synchronisierung schlägt seit dem Update fehl",
        "short",
        "The export keeps timing out for the whole finance team. " * 30,  # past 256 tokens
    ]
    # one padded batch and one text at a time: the mask keeps padding out of attention
    for batch_size in (4, 1):
        assert np.allclose(
            encoder.encode(texts, batch_size), default_encoder().encode(texts), atol=1e-4
        )


def test_an_export_laid_out_otherwise_is_named_not_guessed(tmp_path: Path) -> None:
    import onnx

    from supportgraph.tools.knowledge.minilm_graph import UnknownLayout, fused_graph

    export = onnx.load(_folded_export(tmp_path))
    for initializer in export.graph.initializer:
        if initializer.name == "inner.encoder.layer.3.output.dense.bias":
            initializer.name = "renamed.bias"
    with pytest.raises(UnknownLayout, match=r"layer\.3\.output\.dense\.bias"):
        fused_graph(export)


def test_the_int8_copy_is_made_once_and_then_read_from_the_home(
    monkeypatch: pytest.MonkeyPatch, own_model_cache: None
) -> None:
    model = embeddings._model_path()
    kept = embeddings.int8_copy_path(model)
    assert kept.parent == home_dir() / "cache"  # the default, without $SUPPORTGRAPH_CACHE
    assert not kept.exists()  # every test has its own $SUPPORTGRAPH_HOME
    monkeypatch.setattr(logging.root, "handlers", [])  # as in a plain `supportgraph run`
    made = embeddings._kept_int8_copy(model)
    assert kept.read_bytes() == made
    import onnx

    # the fused rebuild, quantised: attention and every matrix product in int8
    ops = {node.op_type for node in onnx.load_from_string(made).graph.node}
    assert {"QAttention", "MatMulInteger"} <= ops
    assert "Attention" not in ops
    # Making it leaves logging as it was: no stderr handler that would print every
    # library's debug lines on the user's terminal.
    assert logging.root.handlers == []
    written = kept.stat().st_mtime_ns
    assert embeddings._kept_int8_copy(model) == made
    assert kept.stat().st_mtime_ns == written
    assert [p.name for p in kept.parent.iterdir() if p.name.endswith(".part")] == []


def test_kb_search_with_the_int8_copy_leads_with_the_article_the_original_finds() -> None:
    articles = read_articles(None)
    with_copy, _ = open_index(None)
    with_original, _ = build_index(articles, "shipped", default_encoder())
    for question, answer in [
        ("The API returns 502 errors on every call, what should we retry?", "KB-001"),
        ("How do I rotate an API key without breaking our pipelines?", "KB-003"),
    ]:
        assert with_copy.search(question, k=1)[0].article_id == answer
        assert with_original.search(question, k=1)[0].article_id == answer


def test_threads_making_the_same_cached_file_at_once_each_get_it_whole(tmp_path: Path) -> None:
    # Two graphs' first tickets in one process (two threads) once both wrote
    # "<name>.<pid>.part" and one found its copy moved away: FileNotFoundError.
    start = threading.Barrier(4)

    def make() -> bytes:
        start.wait(timeout=10)  # every thread is inside make() before any writes
        return b"x" * 1_000_000

    target = tmp_path / "model.bin"
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: kept_file(target, make), range(4)))
    assert got == [b"x" * 1_000_000] * 4
    assert [p.name for p in tmp_path.iterdir()] == ["model.bin"]
