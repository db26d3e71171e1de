"""A triage model trained on a team's own tickets: fit, predict, save and load.

Features (``tools.triage.triage_features``) are word and character TF-IDF n-grams over the
ticket text, optionally joined by offline MiniLM sentence embeddings. A linear SVM with
balanced class weights learns the label; its margins are turned into probabilities by
a temperature fitted on out-of-fold margins, so ``confidence`` can be compared with the
run's ``low_confidence`` threshold. A second head learns the priority when the training
file has a priority column.

A model folder holds ``model.joblib`` (the fitted scikit-learn objects) and
``metadata.json`` (labels, text columns, label map, scores, versions).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import joblib
import numpy as np
import sklearn
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from supportgraph.graph.errors import ModelFileError
from supportgraph.tools.knowledge.embeddings import DIMENSIONS
from supportgraph.tools.triage.training_data import TEXT_NORMALISATION, text_fingerprints
from supportgraph.tools.triage.triage_features import (
    FeatureSettings,
    SentenceEmbeddings,  # noqa: F401 - models saved before the split pickle it under this module
    build_features,
    default_folds,
    feature_blocks,
    linear_margins,
    ticket_text,
)

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
# 2: embeddings are cut at ``FeatureSettings.embedding_tokens`` (format 1 used 256).
FORMAT = 2


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    if scores.ndim == 1:  # binary: one margin for the positive class
        scores = np.column_stack([-scores / 2, scores / 2])
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def _in_threads(jobs: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run jobs on one thread per core; liblinear releases the GIL, so SVM fits overlap."""
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda job: job(), jobs))


def _svm(c: float) -> LinearSVC:
    # liblinear visits rows in a random order; where it stops before converging (dense
    # embedding columns), an unseeded SVM made every training of the same file differ.
    return LinearSVC(C=c, class_weight="balanced", random_state=0)


def out_of_fold_margins(
    problems: Sequence[tuple[Any, Sequence[str] | np.ndarray]],
    c: float,
    folds: int,
    done: Callable[[], None] | None = None,
) -> list[np.ndarray]:
    """SVM margins of every row from a model that did not see it, for several problems.

    The folds of all problems (each a feature matrix with its labels) are fitted
    together in threads, so comparing feature sets costs one round of fits.
    Folds are stratified and fixed (seed 0). ``done`` is called after each fold's fit,
    from the thread that fitted it.
    """
    split = StratifiedKFold(folds, shuffle=True, random_state=0)
    plans = []
    for x, y in problems:
        labels = np.asarray(y)
        for train, test in split.split(np.zeros(len(labels)), labels):
            plans.append((x, labels, train, test))

    def fold(x: Any, labels: np.ndarray, train: np.ndarray, test: np.ndarray) -> Callable[[], Any]:
        def fit() -> np.ndarray:
            scores = _svm(c).fit(x[train], labels[train]).decision_function(x[test])
            if done is not None:
                done()
            return np.asarray(scores)

        return fit

    scores = _in_threads([fold(*plan) for plan in plans])
    margins: list[np.ndarray] = []
    for start in range(0, len(plans), folds):
        parts = list(zip(plans[start : start + folds], scores[start : start + folds], strict=True))
        n, shape = len(parts[0][0][1]), parts[0][1].shape[1:]
        merged = np.zeros((n, *shape))
        for (_, _, _, test), part in parts:
            merged[test] = part
        margins.append(merged)
    return margins


class CalibratedHead(ClassifierMixin, BaseEstimator):
    """A balanced linear SVM whose margins become probabilities by temperature scaling.

    ``fit`` takes out-of-fold margins (stratified k-fold, computed unless given): they
    both fit the temperature (minimum log-loss) and give the cross-validated
    predictions (``cv_predictions_``) that ``train`` reports, so no extra fits are needed.
    """

    def __init__(self, c: float = 1.0, folds: int = 5) -> None:
        self.c = c
        self.folds = folds

    def fit(
        self,
        x: Any,
        y: Sequence[str],
        margins: np.ndarray | None = None,
        final: LinearSVC | None = None,
    ) -> CalibratedHead:
        """Fit the SVM on all rows and the temperature on out-of-fold margins.

        Args:
            x: Feature matrix.
            y: Labels.
            margins: Out-of-fold margins from :func:`out_of_fold_margins`, when the
                caller has them already; otherwise they are computed here, in threads
                beside the final fit.
            final: The SVM already fitted on all of ``x`` and ``y``, when the caller has it.
        """
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        if margins is None:
            final, (margins,) = _in_threads(
                [
                    lambda: _svm(self.c).fit(x, labels),
                    lambda: out_of_fold_margins([(x, labels)], self.c, self.folds),
                ]
            )
        elif final is None:
            final = _svm(self.c).fit(x, labels)
        target = np.searchsorted(self.classes_, labels)

        def log_loss(temperature: float) -> float:
            p = _softmax(margins, temperature)[np.arange(len(target)), target]
            return float(-np.log(np.clip(p, 1e-12, None)).mean())

        self.temperature_ = float(
            minimize_scalar(log_loss, bounds=(0.01, 10.0), method="bounded").x
        )
        self.cv_predictions_ = self.classes_[_softmax(margins, 1.0).argmax(axis=1)]
        self.svm_ = final
        return self

    def predict_proba(self, x: Any) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order.

        A head fitted on the TF-IDF columns only reads those of a matrix that also
        holds the embedding columns (they come last).
        """
        return _softmax(
            self.svm_.decision_function(x[:, : self.svm_.coef_.shape[1]]), self.temperature_
        )

    def block_proba(self, blocks: Sequence[Any]) -> np.ndarray:
        """:meth:`predict_proba` of features given as unjoined blocks (faster per ticket)."""
        margins = linear_margins(self.svm_.coef_, self.svm_.intercept_, _leading(blocks, self))
        return _softmax(margins[:, 0] if margins.shape[1] == 1 else margins, self.temperature_)

    def predict(self, x: Any) -> np.ndarray:
        """The most probable class per row."""
        return np.asarray(self.classes_[self.predict_proba(x).argmax(axis=1)])


def _leading(blocks: Sequence[Any], head: CalibratedHead) -> Sequence[Any]:
    """The first blocks, as many as the head was fitted on (all, or all but embeddings)."""
    width, kept = head.svm_.coef_.shape[1], 0
    for count, block in enumerate(blocks, start=1):
        kept += block.shape[1]
        if kept >= width:
            return blocks[:count]
    return blocks


def _cv_macro_f1(
    margins: np.ndarray, labels: Sequence[str], classes: np.ndarray | None = None
) -> float:
    """Macro-F1 of the classes the margins pick (``classes``: their columns' labels)."""
    classes = np.unique(np.asarray(labels)) if classes is None else classes
    predicted = classes[_softmax(margins, 1.0).argmax(axis=1)]
    return float(f1_score(list(labels), predicted, average="macro"))


def _fold_gain(
    with_m: np.ndarray, without_m: np.ndarray, labels: Sequence[str], folds: int
) -> tuple[float, float]:
    """Mean and standard error over the folds of the macro-F1 gain of ``with_m``."""
    y = np.asarray(labels)
    classes = np.unique(y)
    split = StratifiedKFold(folds, shuffle=True, random_state=0)
    gains = [
        _cv_macro_f1(with_m[test], y[test], classes)
        - _cv_macro_f1(without_m[test], y[test], classes)
        for _, test in split.split(np.zeros(len(y)), y)
    ]
    return float(np.mean(gains)), float(np.std(gains, ddof=1) / np.sqrt(len(gains)))


def _choose_embeddings(
    margins: dict[tuple[str, bool], np.ndarray],
    targets: dict[str, Sequence[str]],
    settings: FeatureSettings,
    folds: int,
) -> tuple[dict[str, bool], dict[str, Any]]:
    """Per head, whether it uses the embeddings, and the scores behind each choice.

    With both feature sets cross-validated, a head keeps the embeddings only when
    their macro-F1 gain, fold by fold, is more than one standard error above zero:
    a gain inside the folds' noise keeps the smaller model (about 1 ms a ticket
    instead of 8). Keeping them on any gain let one lucky round of folds cost the
    ticket priorities 0.03 (docs/triage_eval.md).
    """
    uses: dict[str, bool] = {}
    choice: dict[str, Any] = {}
    for head, y in targets.items():
        prefix = "" if head == "label" else f"{head}_"
        if (head, False) in margins and (head, True) in margins:
            gain, error = _fold_gain(margins[head, True], margins[head, False], y, folds)
            uses[head] = gain > error
            choice[f"{prefix}cv_macro_f1_with_embeddings"] = round(
                _cv_macro_f1(margins[head, True], y), 4
            )
            choice[f"{prefix}cv_macro_f1_tfidf_only"] = round(
                _cv_macro_f1(margins[head, False], y), 4
            )
            choice[f"{prefix}cv_gain_of_embeddings"] = [round(gain, 4), round(error, 4)]
        else:
            uses[head] = settings.embeddings
        choice[f"{prefix}embeddings_used"] = uses[head]
    return uses, choice


class TrainingProgress(Protocol):
    """What :meth:`TriageModel.fit` reports while it runs (``train triage`` shows it)."""

    def step(self, name: str, total: int | None = None) -> None:
        """A step starts; ``total`` counts its parts (the fold fits), when it has any."""

    def advance(self) -> None:
        """One part of the current step is done (called from worker threads)."""


class _Quiet:
    def step(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self) -> None:
        pass


_QUIET = _Quiet()


@dataclass(frozen=True)
class Prediction:
    """One ticket's predicted label and priority, with calibrated confidences."""

    label: str
    confidence: float
    priority: str | None = None
    priority_confidence: float | None = None


# Until tools/ was grouped by trade, this module and its features module sat directly in the
# tools package, and a pickle names each class by its module: models saved then name that
# package. The old names are built from parts so that scripts/relayout.py, which rewrites
# every old module name it finds, leaves them as they are.
_FORMER_PACKAGE = "supportgraph.tools"


@contextmanager
def _former_module_names() -> Iterator[None]:
    """While a model loads, let its pickle name the two modules by their former paths."""
    from supportgraph.tools.triage import triage_features

    modules = (sys.modules[__name__], triage_features)
    aliases = {f"{_FORMER_PACKAGE}.{m.__name__.rsplit('.', 1)[1]}": m for m in modules}
    added = [name for name in aliases if name not in sys.modules]
    sys.modules.update({name: aliases[name] for name in added})
    try:
        yield
    finally:
        for name in added:
            sys.modules.pop(name, None)


def _best(probabilities: np.ndarray, classes: np.ndarray) -> list[tuple[str, float]]:
    index = probabilities.argmax(axis=1)
    return [(str(classes[i]), float(p[i])) for i, p in zip(index, probabilities, strict=True)]


@dataclass
class TriageModel:
    """Shared text features with a label head (e.g. queue) and an optional priority head.

    Attributes:
        features: Fitted feature union (TF-IDF blocks, optional embeddings).
        label_head: Calibrated classifier for the label.
        priority_head: Calibrated classifier for the priority, or None.
        metadata: What ``metadata.json`` holds (labels, columns, label map, scores).
    """

    features: FeatureUnion
    label_head: CalibratedHead
    priority_head: CalibratedHead | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(
        cls,
        fields: Sequence[Sequence[str]],
        labels: Sequence[str],
        priorities: Sequence[str] | None = None,
        settings: FeatureSettings | None = None,
        progress: TrainingProgress | None = None,
    ) -> TriageModel:
        """Train on tickets' text fields and labels (and priorities, when given).

        With embeddings and ``settings.choose_by_cv``, each head keeps them only if they
        raise its own cross-validated macro-F1 by more than the folds' noise (they help
        short English intents and cost the noisy ticket priorities 0.02-0.03,
        docs/triage_eval.md); the block is dropped when no head keeps it.

        Args:
            fields: Per ticket, its text fields, the subject first.
            labels: Per ticket, the label to learn.
            priorities: Per ticket, the priority to learn, or None for no priority head.
            settings: Features and classifier; the defaults are the measured best.
            progress: Told each step (features, folds, final fits, calibration).
        """
        settings = settings or FeatureSettings()
        progress = progress or _QUIET
        folds = settings.folds or default_folds(len(labels))
        settings = replace(settings, folds=folds)
        features = build_features(settings)
        progress.step("computing " + ("TF-IDF + MiniLM" if settings.embeddings else "TF-IDF"))
        x = features.fit_transform([ticket_text(f, settings.subject_repeats) for f in fields])
        options = {settings.embeddings: x}
        if settings.embeddings and settings.choose_by_cv:
            options[False] = x.tocsc()[:, : x.shape[1] - DIMENSIONS].tocsr()
        targets = {"label": labels} | ({"priority": priorities} if priorities else {})
        problems = [(head, option) for head in targets for option in options]
        progress.step(f"cross-validating ({folds} folds)", total=folds * len(problems))
        margins = dict(
            zip(
                problems,
                out_of_fold_margins(
                    [(options[o], targets[h]) for h, o in problems],
                    settings.c,
                    folds,
                    progress.advance,
                ),
                strict=True,
            )
        )
        uses, choice = _choose_embeddings(margins, targets, settings, folds)
        if settings.embeddings and not any(uses.values()):
            features.set_params(embeddings="drop")
        progress.step("fitting the final model" + ("s" if len(targets) > 1 else ""))
        finals = _in_threads(
            [partial(_svm(settings.c).fit, options[uses[h]], targets[h]) for h in targets]
        )
        progress.step("calibrating probabilities")
        heads = {
            head: CalibratedHead(settings.c, folds).fit(
                options[uses[head]], y, margins[head, uses[head]], final
            )
            for (head, y), final in zip(targets.items(), finals, strict=True)
        }
        label_head, priority_head = heads["label"], heads.get("priority")
        metadata = {
            "format": FORMAT,
            "labels": [str(c) for c in label_head.classes_],
            "priorities": [str(c) for c in priority_head.classes_] if priority_head else None,
            "features": asdict(settings) | choice,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "sklearn_version": sklearn.__version__,
            "training_rows": len(labels),
            "training_texts": {
                "normalised": TEXT_NORMALISATION,
                "hashes": text_fingerprints(fields),
            },
        }
        return cls(features, label_head, priority_head, metadata)

    @property
    def labels(self) -> list[str]:
        """Labels the model can predict."""
        return [str(c) for c in self.label_head.classes_]

    @property
    def label_map(self) -> dict[str, str]:
        """The label → route map saved with the model (may be empty)."""
        return dict(self.metadata.get("label_map") or {})

    def probabilities(
        self, fields: Sequence[Sequence[str]]
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Calibrated label and priority probabilities (columns in class order)."""
        # Models trained before the setting existed read the subject twice.
        repeats = self.metadata.get("features", {}).get("subject_repeats", 2)
        blocks = feature_blocks(self.features, [ticket_text(f, repeats) for f in fields])
        priority = self.priority_head.block_proba(blocks) if self.priority_head else None
        return self.label_head.block_proba(blocks), priority

    def predict(self, fields: Sequence[Sequence[str]]) -> list[Prediction]:
        """Best label (and priority) per ticket with calibrated confidences."""
        label_p, priority_p = self.probabilities(fields)
        labels = _best(label_p, self.label_head.classes_)
        if priority_p is None or self.priority_head is None:
            return [Prediction(label, p) for label, p in labels]
        priorities = _best(priority_p, self.priority_head.classes_)
        return [
            Prediction(label, p, priority, q)
            for (label, p), (priority, q) in zip(labels, priorities, strict=True)
        ]

    def save(self, folder: Path) -> Path:
        """Write ``model.joblib`` and ``metadata.json`` into ``folder``; return it."""
        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {"features": self.features, "label": self.label_head, "priority": self.priority_head},
            folder / MODEL_FILE,
            compress=3,
        )
        (folder / METADATA_FILE).write_text(
            json.dumps(self.metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return folder

    @classmethod
    def load(cls, folder: Path) -> TriageModel:
        """Read a model folder written by :meth:`save`.

        Raises:
            ModelFileError: The folder or a file is missing, the model was saved by
                another scikit-learn version (pickles do not carry across versions) or
                in an older model format.
        """
        meta_path, model_path = folder / METADATA_FILE, folder / MODEL_FILE
        if not meta_path.is_file() or not model_path.is_file():
            raise ModelFileError(
                f"{folder} is not a triage model folder (expected {METADATA_FILE} and "
                f"{MODEL_FILE}); train one with: supportgraph train triage --out {folder} ..."
            )
        try:
            metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelFileError(
                f"{meta_path}: not valid JSON ({exc}); retrain the model"
            ) from None
        if metadata.get("format") != FORMAT:
            raise ModelFileError(
                f"{folder} is triage model format {metadata.get('format')}, this install "
                f"reads format {FORMAT}; retrain it with supportgraph train triage"
            )
        saved_with = metadata.get("sklearn_version")
        if saved_with != sklearn.__version__:
            raise ModelFileError(
                f"{folder} was saved by scikit-learn {saved_with}, this install has "
                f"{sklearn.__version__}; retrain it here with supportgraph train triage "
                f"(or install scikit-learn=={saved_with})"
            )
        with _former_module_names():
            parts = joblib.load(model_path)
        return cls(parts["features"], parts["label"], parts["priority"], metadata)

    def with_metadata(self, **values: Any) -> TriageModel:
        """A copy whose metadata has ``values`` added (scores, label map, columns)."""
        return TriageModel(
            self.features, self.label_head, self.priority_head, self.metadata | values
        )
