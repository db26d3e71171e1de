"""Full triage evaluation on the public labelled sets (``make eval-triage``; minutes, not a test).

Reads ``$SUPPORTGRAPH_DATA`` or ``<repo>/../shared/data``. Every task uses a fixed
stratified 20 % held-out split (seed 0) of the file; the 3-fold cross-validated scores
come from a model trained on the whole file. banking77 here is its train.csv only (its
official test split is not in shared/), so its numbers are not the published test-set
numbers. Each task runs twice: TF-IDF only, and the default of ``supportgraph train triage``
(TF-IDF + MiniLM embeddings, kept only where they raise the cross-validated macro-F1
on the training part). Results go to ``$OUT/triage_eval.json``.
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
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from supportgraph.tools.evaluation import score_predictions
from supportgraph.tools.training_data import LabelledTickets, read_labelled
from supportgraph.tools.triage_model import MODEL_FILE, FeatureSettings, TriageModel

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


def run_task(task: Task, settings: FeatureSettings) -> dict[str, Any]:
    """Held-out and 3-fold scores, train time and model size for one task and setting."""
    data = read_labelled(data_dir() / task.file, task.text, task.label, task.priority)
    rows = np.arange(len(data))
    train_rows, test_rows = train_test_split(
        rows, test_size=0.2, random_state=0, stratify=data.labels
    )
    train, test = _subset(data, train_rows), _subset(data, test_rows)
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
        "macro_f1": round(
            float(f1_score(data.labels, full.label_head.cv_predictions_, average="macro")), 4
        ),
    }
    if full.priority_head is not None and data.priorities:
        cv["priority_macro_f1"] = round(
            float(f1_score(data.priorities, full.priority_head.cv_predictions_, average="macro")),
            4,
        )
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


def _features_name(settings: FeatureSettings, model: TriageModel) -> str:
    if not settings.embeddings:
        return "tfidf"
    used = "emb" if model.metadata["features"]["embeddings_used"] else "tfidf"
    return f"auto={used}" if settings.choose_by_cv else "tfidf+emb"


def _line(result: dict[str, Any]) -> str:
    held, cv = result["held_out"], result["cv"]
    low = held["low_confidence"]
    priority = (
        f" | priority F1 {held['priority_macro_f1']:.3f} (cv {cv['priority_macro_f1']:.3f})"
        if held.get("priority_macro_f1") is not None
        else ""
    )
    return (
        f"{result['task']:32s} {result['features']:9s} | "
        f"acc {held['accuracy']:.4f} (cv {cv['accuracy']:.4f}) | macro-F1 {held['macro_f1']:.4f} "
        f"(cv {cv['macro_f1']:.4f}){priority} | ECE {held['ece']:.3f} | <{THRESHOLD}: "
        f"{low['to_review']} to review, acc on rest {low['accuracy_on_rest']:.4f} | "
        f"train {result['train_seconds']}s on {result['train_rows']} | {result['model_mb']} MB"
    )


def main(names: list[str]) -> None:
    """Run every task (or those whose name starts with one of ``names``) and print scores."""
    results = []
    for task in TASKS:
        if names and not any(task.name.startswith(n) for n in names):
            continue
        for settings in SETTINGS:
            result = run_task(task, settings)
            results.append(result)
            print(_line(result), flush=True)
            for label, s in result["held_out"]["per_class"].items():
                if len(result["held_out"]["per_class"]) <= 12:
                    print(
                        f"    {label:34s} P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} n={s['support']}"
                    )
            for label, s in (result["held_out"].get("priority_per_class") or {}).items():
                print(
                    f"    priority {label:25s} P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} n={s['support']}"
                )
    out = Path(os.environ.get("OUT", "out"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "triage_eval.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"results written to {out / 'triage_eval.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
