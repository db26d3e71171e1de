"""Retraining triage on a team's own tickets: train, evaluate, route with the new model.

The training file is the shipped example tickets with the categories renamed to a
team's own queue names, written as a real CSV; models are trained without embeddings
to keep the suite fast (embeddings are measured by ``make eval-triage``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from rich.console import Console
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC
from typer.testing import CliRunner

from supportgraph.cli.app import app
from supportgraph.cli.triage_commands import TrainingSteps
from supportgraph.graph.context import Context
from supportgraph.graph.errors import ModelFileError
from supportgraph.reports.records import ticket_record
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import run_ticket
from supportgraph.tools.triage.category import load_examples
from supportgraph.tools.triage.engines import engine_for
from supportgraph.tools.triage.triage_features import default_folds, tfidf_rows, ticket_text
from supportgraph.tools.triage.triage_model import (
    METADATA_FILE,
    CalibratedHead,
    FeatureSettings,
    TriageModel,
    out_of_fold_margins,
)

from .conftest import NOW, make_ticket
from .eval_triage import Task, evaluate_task, plain_baseline

runner = CliRunner()

QUEUES = {
    "technical": "Tech Desk",
    "billing": "Payments",
    "account": "Accounts",
    "sales": "Presales",
    "product": "Product Ideas",
    "feedback": "Feedback",
}
LABEL_MAP = {
    "Tech Desk": "technical",
    "Payments": {"route": "success", "category": "billing"},
    "Accounts": "escalation",
    "Presales": "knowledge",
    "Product Ideas": "success",
    # "Feedback" is a graph category already: it needs no entry.
}


# A team's own urgency labels, one per queue: enough for the priority head to learn.
URGENCY = {
    "technical": "High",
    "billing": "Medium",
    "account": "Medium",
    "sales": "Low",
    "product": "Low",
    "feedback": "Low",
}


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _team_rows() -> list[dict[str, str]]:
    rows = []
    for e in load_examples():
        priority = URGENCY[e.category]
        rows.append(
            {
                "subject": e.subject,
                "body": e.message,
                "queue": QUEUES[e.category],
                "urgency": priority.lower(),
            }
        )
    return rows


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("team")
    rows = _team_rows()
    held_out = rows[::5]
    training = [r for i, r in enumerate(rows) if i % 5]
    label_map = base / "label_map.json"
    label_map.write_text(json.dumps(LABEL_MAP), encoding="utf-8")
    return {
        "train": _write_csv(base / "history.csv", training),
        "test": _write_csv(base / "recent.csv", held_out),
        "label_map": label_map,
        "model": base / "models" / "team",
    }


@pytest.fixture(scope="module")
def trained(files: dict[str, Path]) -> Any:
    return runner.invoke(
        app,
        [
            "train",
            "triage",
            "--data",
            str(files["train"]),
            "--text",
            "subject,body",
            "--label",
            "queue",
            "--priority-label",
            "urgency",
            "--out",
            str(files["model"]),
            "--label-map",
            str(files["label_map"]),
            "--embeddings",
            "off",
        ],
    )


def test_training_prints_cross_validated_scores_and_saves_the_model(
    trained: Any, files: dict[str, Path]
) -> None:
    assert trained.exit_code == 0, trained.output
    assert "5-fold cross-validation on 336 tickets" in trained.output
    metadata = json.loads((files["model"] / METADATA_FILE).read_text())
    assert sorted(metadata["labels"]) == sorted(QUEUES.values())
    assert metadata["text_columns"] == ["subject", "body"]
    assert metadata["label_map"] == LABEL_MAP
    assert metadata["cv"]["macro_f1"] > 0.7
    assert metadata["sklearn_version"]


def test_eval_json_scores_held_out_tickets_and_writes_a_report(
    trained: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    report = tmp_path / "triage-report.md"
    result = runner.invoke(
        app,
        [
            "eval",
            "triage",
            "--model",
            str(files["model"]),
            "--data",
            str(files["test"]),
            "--text",
            "subject,body",
            "--label",
            "queue",
            "--priority-label",
            "urgency",
            "--report",
            str(report),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["rows"] == 84
    assert scores["accuracy"] > 0.75
    assert scores["macro_f1"] > 0.75
    assert set(scores["per_class"]) == set(QUEUES.values())
    assert 0.0 <= scores["priority_macro_f1"] <= 1.0
    assert 0.0 <= scores["ece"] < 0.25
    low = scores["low_confidence"]
    assert low["to_review"] == round((1 - low["coverage"]) * 84)
    text = report.read_text()
    assert "expected calibration error" in text and "Confusion matrix" in text


def test_eval_table_reports_calibration_and_the_review_share(
    trained: Any, files: dict[str, Path]
) -> None:
    result = runner.invoke(
        app,
        ["eval", "triage", "--model", str(files["model"]), "--data", str(files["test"])],
    )
    assert result.exit_code == 0, result.output
    assert "expected calibration error" in result.output
    assert "to human review" in result.output
    assert (files["model"] / "eval-recent.md").is_file()


def _context(files: dict[str, Path], **settings: Any) -> Context:
    return Context(triage_model=files["model"], clock=lambda: NOW, **settings)


def test_label_map_sends_each_queue_to_its_route(trained: Any, files: dict[str, Path]) -> None:
    engine = engine_for(_context(files))
    outage = engine.triage(
        make_ticket(
            subject="API returns 500 errors",
            message="Since this morning every call to the export API fails with a 500 error.",
        )
    )
    assert (outage.queue, outage.route, outage.category) == ("Tech Desk", "technical", "technical")
    invoice = engine.triage(
        make_ticket(
            subject="Invoice charged twice",
            message="We were charged twice for the March invoice, please refund one payment.",
        )
    )
    assert (invoice.queue, invoice.route, invoice.category) == ("Payments", "success", "billing")


def _run(files: dict[str, Path], tmp_path: Path, context: Context, **ticket: str) -> Any:
    from supportgraph.checkpoints import open_checkpointer

    with open_checkpointer(f"sqlite:///{tmp_path / 'cp.sqlite'}") as saver:
        return run_ticket(build_graph(saver), make_ticket(**ticket), context).snapshot


def test_queue_mapped_to_escalation_goes_to_human_review(
    trained: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    snapshot = _run(
        files,
        tmp_path,
        _context(files, low_confidence=0.0),
        subject="Add a second admin to our account",
        message="Please add jo@acme.example as an admin user on our account and reset her password.",
    )
    values = snapshot.values
    assert values["triage"].route == "escalation"
    assert "technical" not in values and "success" not in values
    rules = [t.rule for t in values["escalation"].triggers]
    assert "label_routes_to_escalation" in rules
    assert values["reply"].status == "draft"  # held for the reviewer
    record = ticket_record(snapshot)
    assert (record["queue"], record["queue_route"]) == ("Accounts", "escalation")


def test_low_calibrated_confidence_sends_the_ticket_to_review(
    trained: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    values = _run(
        files,
        tmp_path,
        _context(files, low_confidence=0.99),
        subject="Question",
        message="Hello, I have a question about something.",
    ).values
    assert values["triage"].confidence < 0.99
    low = [t for t in values["escalation"].triggers if t.reason == "low_confidence"]
    assert low and low[0].rule == "low_triage_confidence"
    # unsure what the ticket is about: a person answers it (the customer hears so first)
    assert values["outcome"] in {"handed_to_human", "waiting_for_review"}, values["outcome"]
    assert values["reply"].status == "draft"


def test_unmapped_model_label_is_a_clear_configuration_error(
    trained: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"Tech Desk": "technical"}), encoding="utf-8")
    with pytest.raises(Exception, match=r"no route for model label\(s\) 'Accounts'"):
        engine_for(_context(files, label_map=partial))


def test_model_saved_by_another_sklearn_is_refused_with_advice(
    trained: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "old-model"
    copy.mkdir()
    for item in files["model"].iterdir():
        (copy / item.name).write_bytes(item.read_bytes())
    metadata = json.loads((copy / METADATA_FILE).read_text())
    (copy / METADATA_FILE).write_text(json.dumps(metadata | {"sklearn_version": "0.24.2"}))
    with pytest.raises(ModelFileError, match=r"saved by scikit-learn 0\.24\.2.*retrain"):
        TriageModel.load(copy)


def test_model_of_an_older_format_is_refused_with_advice(
    trained: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "format-1-model"
    copy.mkdir()
    for item in files["model"].iterdir():
        (copy / item.name).write_bytes(item.read_bytes())
    metadata = json.loads((copy / METADATA_FILE).read_text())
    (copy / METADATA_FILE).write_text(json.dumps(metadata | {"format": 1}))
    with pytest.raises(ModelFileError, match=r"format 1, this install reads format 2.*retrain"):
        TriageModel.load(copy)


def test_model_with_embeddings_predicts_the_same_after_save_and_load(tmp_path: Path) -> None:
    examples = load_examples()[::4]
    fields = [(e.subject, e.message) for e in examples]
    model = TriageModel.fit(
        fields,
        [e.category for e in examples],
        settings=FeatureSettings(embeddings=True, choose_by_cv=False, folds=3),
    )
    assert model.metadata["features"]["embeddings_used"]
    loaded = TriageModel.load(model.save(tmp_path / "with-embeddings"))
    before, _ = model.probabilities(fields[:5])
    after, _ = loaded.probabilities(fields[:5])
    assert before.shape == (5, 6)
    np.testing.assert_allclose(after, before, atol=1e-6)
    # Per ticket the blocks are scored unjoined; that is the same linear model.
    joined = model.features.transform([ticket_text(f) for f in fields[:5]])
    np.testing.assert_allclose(model.label_head.predict_proba(joined), before, atol=1e-9)


def test_run_uses_the_model_named_on_the_command_line(
    trained: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    tickets = tmp_path / "tickets.json"
    outage = {
        "ticket_id": "T-1",
        "customer": "Acme",
        "customer_tier": "Growth",
        "channel": "Email",
        "subject": "API returns 500 errors",
        "message": "Since this morning every call to the export API fails with a 500 error.",
        "submitted_at": "-5m",
    }
    tickets.write_text(json.dumps([outage]))
    out, store = ["--out", str(tmp_path / "out")], ["--checkpoint", "memory://"]
    result = runner.invoke(
        app, ["run", str(tickets), *out, *store, "--triage-model", str(files["model"])]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(next((tmp_path / "out").glob("*/tickets.jsonl")).read_text())
    assert (record["queue"], record["queue_route"]) == ("Tech Desk", "technical")

    missing = runner.invoke(
        app,
        [
            "run",
            str(tickets),
            "--out",
            str(tmp_path / "none"),
            *store,
            "--triage-model",
            str(tmp_path / "nope"),
        ],
    )
    assert missing.exit_code == 2
    assert "not a triage model folder" in " ".join(missing.output.split())
    assert not (tmp_path / "none").exists()  # refused before any ticket ran


def test_folds_fitted_together_give_the_margins_of_separate_cross_validation() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 5))
    three = np.repeat(["a", "b", "c"], 30)
    two = np.repeat(["yes", "no"], 45)
    x[three == "a", 0] += 2
    x[two == "yes", 1] += 2

    together = out_of_fold_margins([(x, three), (x, two)], c=1.0, folds=3)

    split = StratifiedKFold(3, shuffle=True, random_state=0)
    for margins, labels in zip(together, (three, two), strict=True):
        alone = cross_val_predict(
            LinearSVC(C=1.0, class_weight="balanced", random_state=0),
            x,
            labels,
            cv=split,
            method="decision_function",
        )
        np.testing.assert_allclose(margins, alone)


def test_large_training_files_are_cross_validated_on_fewer_folds() -> None:
    # Small files keep five folds (more training rows per fold); from 5,000 tickets three
    # folds keep a 10k-ticket training with embeddings under a minute on 2 cores.
    assert default_folds(336) == 5
    assert default_folds(4_999) == 5
    assert default_folds(5_000) == 3
    assert default_folds(10_003) == 3


def test_a_two_label_model_scores_unjoined_blocks_like_the_joined_matrix() -> None:
    examples = load_examples()[::3]
    fields = [(e.subject, e.message) for e in examples]
    labels = ["technical" if e.category == "technical" else "other" for e in examples]
    model = TriageModel.fit(fields, labels, settings=FeatureSettings(embeddings=False))
    fast, _ = model.probabilities(fields[:8])
    joined = model.features.transform([ticket_text(f) for f in fields[:8]])
    assert fast.shape == (8, 2)
    np.testing.assert_allclose(model.label_head.predict_proba(joined), fast, atol=1e-9)


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        TfidfVectorizer(),
        TfidfVectorizer(norm=None),
        TfidfVectorizer(binary=True),  # not reproduced: handed to scikit-learn
        TfidfVectorizer(norm="l1"),  # not reproduced: handed to scikit-learn
    ],
    ids=["words", "chars", "plain", "no-norm", "binary", "l1"],
)
def test_per_ticket_tfidf_equals_scikit_learns_transform(vectorizer: TfidfVectorizer) -> None:
    examples = load_examples()
    vectorizer.fit([f"{e.subject}. {e.message}" for e in examples[:200]])
    texts = [
        f"{examples[300].subject}. {examples[300].message}",
        "",  # nothing to count: an all-zero row
        "zzqx qqzz",  # only unseen words
        "Die Rechnung ist doppelt abgebucht worden, bitte erstatten!",
        "error error error ERROR timeout",
    ]
    expected = vectorizer.transform(texts).toarray()
    np.testing.assert_allclose(tfidf_rows(vectorizer, texts).toarray(), expected, atol=1e-12)
    for i, text in enumerate(texts):
        np.testing.assert_allclose(
            tfidf_rows(vectorizer, [text]).toarray(), expected[i : i + 1], atol=1e-12
        )


def test_training_reports_each_step_with_its_time_when_piped(
    trained: Any, files: dict[str, Path]
) -> None:
    # CliRunner's stderr is not a terminal: one line per step, no live display.
    steps = [line for line in trained.stderr.splitlines() if line.startswith("train triage")]
    assert [re.sub(r"\[ *[\d.]+ s\] ", "", line) for line in steps] == [
        f"train triage reading {files['train']}",
        "train triage computing TF-IDF",
        "train triage cross-validating (5 folds): 10 fits",  # queue and urgency heads
        "train triage fitting the final models",
        "train triage calibrating probabilities",
        f"train triage saving {files['model']}",
    ]
    seconds = [float(re.search(r"\[ *([\d.]+) s\]", line)[1]) for line in steps]  # type: ignore[index]
    assert seconds == sorted(seconds)


def test_training_on_a_terminal_shows_the_folds_done() -> None:
    examples = load_examples()[::4]
    screen = io.StringIO()
    with TrainingSteps(Console(file=screen, force_terminal=True, width=100)) as steps:
        TriageModel.fit(
            [(e.subject, e.message) for e in examples],
            [e.category for e in examples],
            settings=FeatureSettings(embeddings=False, folds=3),
            progress=steps,
        )
    shown = screen.getvalue()
    assert "cross-validating (3 folds)" in shown
    assert "3/3" in shown  # every fold fit counted
    assert "calibrating probabilities" in shown


def _eval_json(files: dict[str, Path], data: Path, model: Path | None = None) -> Any:
    return runner.invoke(
        app,
        [
            "eval",
            "triage",
            "--model",
            str(model or files["model"]),
            "--data",
            str(data),
            "--report",
            str(data.with_suffix(".md")),
            "--json",
        ],
    )


def test_eval_warns_when_test_tickets_were_in_the_training_data(
    trained: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    with files["train"].open(encoding="utf-8") as handle:
        seen = list(csv.DictReader(handle))[:12]
    with files["test"].open(encoding="utf-8") as handle:
        unseen = list(csv.DictReader(handle))
    # The same tickets retyped: other case and spacing are still the same text.
    retyped = [
        r | {"subject": r["subject"].upper(), "body": "  " + r["body"].replace(" ", "\n ")}
        for r in seen
    ]
    mixed = _write_csv(tmp_path / "mixed.csv", unseen + retyped)

    result = _eval_json(files, mixed)

    assert result.exit_code == 0, result.output
    warning = " ".join(result.stderr.split())
    assert warning.startswith(
        "warning: 12 of 96 evaluated tickets (12.5%) are in the model's training data"
    )
    assert "overstate" in warning
    assert json.loads(result.stdout)["training_overlap"] == {
        "checked": True,
        "rows": 12,
        "share": 0.125,
        "note": warning.removeprefix("warning: "),
    }


def test_eval_on_tickets_the_model_never_saw_reports_no_overlap(
    trained: Any, files: dict[str, Path]
) -> None:
    result = _eval_json(files, files["test"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    overlap = json.loads(result.stdout)["training_overlap"]
    assert (overlap["checked"], overlap["rows"]) == (True, 0)


def test_a_model_trained_before_overlap_checks_still_evaluates_with_a_note(
    trained: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    old = tmp_path / "old-model"
    old.mkdir()
    for item in files["model"].iterdir():
        (old / item.name).write_bytes(item.read_bytes())
    metadata = json.loads((old / METADATA_FILE).read_text())
    del metadata["training_texts"]
    (old / METADATA_FILE).write_text(json.dumps(metadata))

    result = _eval_json(files, files["train"], old)

    assert result.exit_code == 0, result.output
    assert "cannot be checked" in " ".join(result.stderr.split())
    scores = json.loads(result.stdout)
    assert scores["training_overlap"]["checked"] is False
    assert scores["training_overlap"]["rows"] is None
    assert scores["accuracy"] > 0.9  # its own training tickets


def test_a_model_that_read_the_subject_twice_keeps_reading_it_twice(tmp_path: Path) -> None:
    # Models trained before subject_repeats existed have no such setting in their metadata.
    examples = load_examples()[::3]
    fields = [(e.subject, e.message) for e in examples]
    model = TriageModel.fit(
        fields,
        [e.category for e in examples],
        settings=FeatureSettings(embeddings=False, subject_repeats=2),
    )
    features = {k: v for k, v in model.metadata["features"].items() if k != "subject_repeats"}
    old = TriageModel.load(model.with_metadata(features=features).save(tmp_path / "old"))
    joined = model.features.transform([ticket_text(f, 2) for f in fields[:6]])
    expected = model.label_head.predict_proba(joined)
    np.testing.assert_allclose(old.probabilities(fields[:6])[0], expected, atol=1e-9)


def test_each_head_keeps_the_embeddings_only_where_they_clearly_help() -> None:
    examples = load_examples()[::4]
    fields = [(e.subject, e.message) for e in examples]
    shipped = Path(__file__).parents[1] / "tools" / "data" / "triage_examples.jsonl"
    rows = [json.loads(line) for line in shipped.read_text(encoding="utf-8").splitlines()]
    urgency = [r["priority"][0] for r in rows[::4]]  # the rubric's priority of each example
    model = TriageModel.fit(
        fields, [e.category for e in examples], urgency, FeatureSettings(folds=3)
    )
    choice = model.metadata["features"]
    for prefix in ("", "priority_"):
        gain, error = choice[f"{prefix}cv_gain_of_embeddings"]
        assert choice[f"{prefix}embeddings_used"] == (gain > error)
    if not (choice["embeddings_used"] or choice["priority_embeddings_used"]):
        assert model.features.get_params()["embeddings"] == "drop"
    # Whatever each head chose, scoring a ticket block by block equals the joined matrix.
    label_p, priority_p = model.probabilities(fields[:6])
    joined = model.features.transform([ticket_text(f) for f in fields[:6]])
    np.testing.assert_allclose(model.label_head.predict_proba(joined), label_p, atol=1e-9)
    assert model.priority_head is not None and priority_p is not None
    np.testing.assert_allclose(model.priority_head.predict_proba(joined), priority_p, atol=1e-9)


def test_calibration_never_changes_the_predicted_class() -> None:
    # Temperature scaling is monotone: macro-F1 is the SVM's, calibrated or not.
    examples = load_examples()[::2]
    x = TfidfVectorizer().fit_transform([f"{e.subject} {e.message}" for e in examples])
    labels = [e.category for e in examples]
    head = CalibratedHead(folds=3).fit(x, labels)
    assert head.temperature_ != 1.0
    assert list(head.predict(x)) == list(head.svm_.predict(x))


def test_a_head_fitted_without_embeddings_ignores_the_embedding_block() -> None:
    # When only the other head keeps the embeddings, this one reads the TF-IDF columns.
    rng = np.random.default_rng(0)
    tfidf = sp.random(60, 30, density=0.2, random_state=0, format="csr")
    embeddings = rng.normal(size=(60, 8))
    labels = np.repeat(["low", "high"], 30)
    head = CalibratedHead(folds=3).fit(tfidf, labels)
    joined = sp.hstack([tfidf, sp.csr_matrix(embeddings)]).tocsr()
    alone = head.predict_proba(tfidf)
    np.testing.assert_allclose(head.predict_proba(joined), alone, atol=1e-12)
    np.testing.assert_allclose(head.block_proba([tfidf, embeddings]), alone, atol=1e-12)


def test_eval_compares_the_default_with_a_plain_baseline_on_the_same_split(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTGRAPH_DATA", str(files["train"].parent))
    task = Task("team queue", files["train"].name, ("subject", "body"), "queue", "urgency")

    baseline, (default,) = evaluate_task(task, (FeatureSettings(embeddings=False),))

    # Plain means scikit-learn's LinearSVC as it comes: C = 1, no class weights.
    svm = plain_baseline().named_steps["svm"]
    assert (svm.C, svm.class_weight) == (1.0, None)
    assert (baseline["train_rows"], baseline["test_rows"]) == (268, 68)
    assert (default["train_rows"], default["test_rows"]) == (268, 68)
    for part in ("held_out", "cv"):
        for key in ("macro_f1", "priority_macro_f1"):
            assert 0.3 < baseline[part][key] <= 1.0
            assert default["vs_plain"][f"{part}_{key}"] == pytest.approx(
                default[part][key] - baseline[part][key], abs=1e-4
            )
