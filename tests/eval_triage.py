"""Full triage evaluation on the public labelled sets (``make eval-triage``; minutes, not a test).

Reads ``$SUPPORTGRAPH_DATA`` or ``<repo>/../shared/data``. Every task uses a fixed
stratified 20 % held-out split (seed 0) of the file; the cross-validated scores (the
default fold count, same folds for every model) come from models trained on the whole
file. banking77 here is its train.csv only (its official test split is not in
shared/), so its numbers are not the published test-set numbers. Each task runs a plain
baseline (:func:`plain_baseline`: word + char TF-IDF and scikit-learn's LinearSVC, no
other choice) and then, on the same split, TF-IDF only and the default of
``supportgraph train triage`` (TF-IDF + MiniLM embeddings, kept per head only where
they raise its cross-validated macro-F1 on the training part); every line says how far
it is from the baseline. Results go to ``$OUT/triage_eval.json``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from supportgraph.tools.triage.evaluation import score_predictions
from supportgraph.tools.triage.training_data import LabelledTickets, read_labelled
from supportgraph.tools.triage.triage_features import default_folds
from supportgraph.tools.triage.triage_model import MODEL_FILE, FeatureSettings, TriageModel

ROOT = Path(__file__).resolve().parents[1]
THRESHOLD = 0.4
# TF-IDF alone, then the default of ``train triage`` (embeddings kept when CV says so).
SETTINGS = (FeatureSettings(embeddings=False), FeatureSettings())


@dataclass(frozen=True)
class Task:
    """One labelled file and the columns to learn from."""

    name: str
    file: str
    text: tuple[str, ...]
    label: str
    priority: str | None = None


TASKS = (
    Task("banking77 intent", "banking77/train.csv", ("text",), "category"),
    Task(
        "tickets queue (+priority head)",
        "tickets_tobi_bueck/tickets.csv",
        ("subject", "body"),
        "queue",
        "priority",
    ),
    Task("tickets type", "tickets_tobi_bueck/tickets.csv", ("subject", "body"), "type"),
    Task(
        "bitext category",
        "bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.4514.csv",
        ("instruction",),
        "category",
    ),
    Task(
        "bitext intent",
        "bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.4514.csv",
        ("instruction",),
        "intent",
    ),
)


def data_dir() -> Path:
    """Where the public sets are: ``$SUPPORTGRAPH_DATA`` or ``../shared/data``."""
    return Path(os.environ.get("SUPPORTGRAPH_DATA") or ROOT.parent / "shared" / "data")


def _subset(data: LabelledTickets, index: np.ndarray) -> LabelledTickets:
    return LabelledTickets(
        fields=[data.fields[i] for i in index],
        labels=[data.labels[i] for i in index],
        priorities=[data.priorities[i] for i in index] if data.priorities else None,
        text_columns=data.text_columns,
        source=data.source,
    )


def held_out_split(data: LabelledTickets) -> tuple[LabelledTickets, LabelledTickets]:
    """The fixed stratified 80/20 split (seed 0) every model of a task is scored on."""
    rows = np.arange(len(data))
    train_rows, test_rows = train_test_split(
        rows, test_size=0.2, random_state=0, stratify=data.labels
    )
    return _subset(data, train_rows), _subset(data, test_rows)


def plain_baseline() -> Pipeline:
    """What anyone would try first: word (1-2) + char_wb (2-5) TF-IDF and a LinearSVC.

    The text fields are joined once, the SVM has scikit-learn's defaults (C = 1, no
    class weights) and there is no calibration, embedding or threshold: the reference
    the default training must not fall below.
    """
    return Pipeline(
        [
            (
                "tfidf",
                FeatureUnion(
                    [
                        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                        (
                            "chars",
                            TfidfVectorizer(
                                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                            ),
                        ),
                    ]
                ),
            ),
            ("svm", LinearSVC()),
        ]
    )


def _macro_f1(truth: list[str], predicted: Any) -> float:
    return round(float(f1_score(truth, list(predicted), average="macro")), 4)


def plain_baseline_scores(data: LabelledTickets) -> dict[str, Any]:
    """The plain baseline's held-out and cross-validated scores on a task's file.

    Held-out: trained on the same 80 % as the models, scored on the same 20 %. The
    cross-validation uses the folds the default training uses on the whole file (the
    same count and seed), with the TF-IDF fitted on the whole file as there.
    """
    train, test = held_out_split(data)
    texts = [" ".join(f) for f in train.fields]
    test_texts = [" ".join(f) for f in test.fields]
    heads = [("", train.labels, test.labels, data.labels)]
    if train.priorities and test.priorities and data.priorities:
        heads.append(("priority_", train.priorities, test.priorities, data.priorities))
    held: dict[str, Any] = {}
    cv: dict[str, Any] = {}
    features = (
        plain_baseline().named_steps["tfidf"].fit_transform([" ".join(f) for f in data.fields])
    )
    folds = default_folds(len(data))
    for prefix, y_train, y_test, y_all in heads:
        predicted = plain_baseline().fit(texts, y_train).predict(test_texts)
        held[f"{prefix}macro_f1"] = _macro_f1(y_test, predicted)
        split = StratifiedKFold(folds, shuffle=True, random_state=0)
        cv[f"{prefix}macro_f1"] = _macro_f1(
            y_all, cross_val_predict(LinearSVC(), features, y_all, cv=split)
        )
        if not prefix:
            held["accuracy"] = round(float(accuracy_score(y_test, predicted)), 4)
    return {"held_out": held, "cv": cv, "train_rows": len(train), "test_rows": len(test)}


def run_task(task: Task, settings: FeatureSettings) -> dict[str, Any]:
    """Held-out and cross-validated scores, train time and model size for one task and setting."""
    data = read_labelled(data_dir() / task.file, task.text, task.label, task.priority)
    train, test = held_out_split(data)
    started = time.perf_counter()
    model = TriageModel.fit(train.fields, train.labels, train.priorities, settings)
    train_seconds = time.perf_counter() - started
    label_p, priority_p = model.probabilities(test.fields)
    scores = score_predictions(
        test.labels,
        label_p,
        model.labels,
        THRESHOLD,
        test.priorities,
        priority_p,
        model.metadata["priorities"],
    )
    with tempfile.TemporaryDirectory() as folder:
        size = model.save(Path(folder)).joinpath(MODEL_FILE).stat().st_size
    full = TriageModel.fit(data.fields, data.labels, data.priorities, settings)
    cv = {
        "accuracy": round(float(accuracy_score(data.labels, full.label_head.cv_predictions_)), 4),
        "macro_f1": _macro_f1(data.labels, full.label_head.cv_predictions_),
    }
    if full.priority_head is not None and data.priorities:
        cv["priority_macro_f1"] = _macro_f1(data.priorities, full.priority_head.cv_predictions_)
    return {
        "task": task.name,
        "features": _features_name(settings, model),
        "feature_choice": model.metadata["features"],
        "train_rows": len(train),
        "test_rows": len(test),
        "train_seconds": round(train_seconds, 1),
        "model_mb": round(size / 1e6, 2),
        "held_out": scores,
        "cv": cv,
    }


def evaluate_task(
    task: Task, settings: tuple[FeatureSettings, ...] = SETTINGS
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The plain baseline of a task, then each setting with its distance from it.

    Every result gets ``vs_plain``: its held-out and cross-validated macro-F1 (label and
    priority) minus the baseline's on the same split and folds.
    """
    data = read_labelled(data_dir() / task.file, task.text, task.label, task.priority)
    baseline = {"task": task.name, "features": "plain"} | plain_baseline_scores(data)
    results = []
    for setting in settings:
        result = run_task(task, setting)
        result["vs_plain"] = {
            f"{part}_{key}": round(result[part][key] - baseline[part][key], 4)
            for part in ("held_out", "cv")
            for key in ("macro_f1", "priority_macro_f1")
            if result[part].get(key) is not None and key in baseline[part]
        }
        results.append(result)
    return baseline, results


def _features_name(settings: FeatureSettings, model: TriageModel) -> str:
    if not settings.embeddings:
        return "tfidf"
    if not settings.choose_by_cv:
        return "tfidf+emb"
    choice = model.metadata["features"]
    used = "emb" if choice["embeddings_used"] else "tfidf"
    if "priority_embeddings_used" in choice:
        used += "/" + ("emb" if choice["priority_embeddings_used"] else "tfidf")
    return f"auto={used}"


def _baseline_line(baseline: dict[str, Any]) -> str:
    held, cv = baseline["held_out"], baseline["cv"]
    priority = (
        f" | priority F1 {held['priority_macro_f1']:.3f} (cv {cv['priority_macro_f1']:.3f})"
        if "priority_macro_f1" in held
        else ""
    )
    return (
        f"{baseline['task']:32s} {'plain':9s} | acc {held['accuracy']:.4f}          "
        f"| macro-F1 {held['macro_f1']:.4f} (cv {cv['macro_f1']:.4f}){priority} "
        f"| word+char TF-IDF, LinearSVC() on the same {baseline['train_rows']} rows"
    )


def _line(result: dict[str, Any]) -> str:
    held, cv, gap = result["held_out"], result["cv"], result.get("vs_plain", {})
    low = held["low_confidence"]
    priority = (
        f" | priority F1 {held['priority_macro_f1']:.3f} (cv {cv['priority_macro_f1']:.3f})"
        if held.get("priority_macro_f1") is not None
        else ""
    )
    versus = " ".join(f"{k.replace('held_out_', '')} {v:+.3f}" for k, v in gap.items())
    return (
        f"{result['task']:32s} {result['features']:9s} | "
        f"acc {held['accuracy']:.4f} (cv {cv['accuracy']:.4f}) | macro-F1 {held['macro_f1']:.4f} "
        f"(cv {cv['macro_f1']:.4f}){priority} | vs plain: {versus} | ECE {held['ece']:.3f} | "
        f"<{THRESHOLD}: {low['to_review']} to review, acc on rest {low['accuracy_on_rest']:.4f} | "
        f"train {result['train_seconds']}s on {result['train_rows']} | {result['model_mb']} MB"
    )


def _per_class_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    if len(result["held_out"]["per_class"]) <= 12:
        for label, s in result["held_out"]["per_class"].items():
            lines.append(
                f"    {label:34s} P {s['precision']:.3f} R {s['recall']:.3f} "
                f"F1 {s['f1']:.3f} n={s['support']}"
            )
    for label, s in (result["held_out"].get("priority_per_class") or {}).items():
        lines.append(
            f"    priority {label:25s} P {s['precision']:.3f} R {s['recall']:.3f} "
            f"F1 {s['f1']:.3f} n={s['support']}"
        )
    return lines


def main(names: list[str]) -> None:
    """Run every task (or those whose name starts with one of ``names``) and print scores."""
    results: list[dict[str, Any]] = []
    for task in TASKS:
        if names and not any(task.name.startswith(n) for n in names):
            continue
        baseline, task_results = evaluate_task(task)
        results.append(baseline)
        print(_baseline_line(baseline), flush=True)
        for result in task_results:
            results.append(result)
            print(_line(result), flush=True)
            for line in _per_class_lines(result):
                print(line, flush=True)
    out = Path(os.environ.get("OUT", "out"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "triage_eval.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"results written to {out / 'triage_eval.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
