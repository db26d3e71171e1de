"""Bad training files are refused with an error naming the file, column or row and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supportgraph.cli.app import app
from supportgraph.graph.errors import TrainingDataError
from supportgraph.tools.triage.training_data import read_labelled

runner = CliRunner()

GOOD_ROWS = [
    ("Login fails", "I cannot log in since the update.", "tech"),
    ("Refund please", "Please refund the duplicate charge.", "billing"),
] * 5


def _csv(path: Path, header: str, rows: list[tuple[str, ...]]) -> Path:
    lines = [header] + [",".join(f'"{cell}"' for cell in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _train(data: Path, tmp_path: Path, text: str = "subject,body", label: str = "queue") -> str:
    result = runner.invoke(
        app,
        [
            "train",
            "triage",
            "--data",
            str(data),
            "--text",
            text,
            "--label",
            label,
            "--out",
            str(tmp_path / "model"),
            "--embeddings",
            "off",
        ],
    )
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "model").exists()
    return " ".join(result.output.split())


def test_missing_column_names_it_and_lists_the_columns_present(tmp_path: Path) -> None:
    data = _csv(tmp_path / "tickets.csv", "subject,body,team", GOOD_ROWS)
    message = _train(data, tmp_path)
    assert "no column 'queue'" in message
    assert "'body', 'subject', 'team'" in message


def test_one_class_only_is_refused(tmp_path: Path) -> None:
    rows = [(s, b, "tech") for s, b, _ in GOOD_ROWS]
    message = _train(_csv(tmp_path / "tickets.csv", "subject,body,queue", rows), tmp_path)
    assert "every row has the label 'tech'" in message
    assert "at least two classes" in message


def test_rows_with_empty_text_are_named_by_row_number(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, ("", "", "tech"), (" ", "", "billing")]
    message = _train(_csv(tmp_path / "tickets.csv", "subject,body,queue", rows), tmp_path)
    assert "2 row(s) have empty text in subject, body (row 12, 13)" in message


def test_non_utf8_file_says_how_to_convert_it(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    data.write_bytes("subject,body,queue\nRückfrage,Grüße aus Köln,tech\n".encode("latin-1"))
    message = _train(data, tmp_path)
    assert "export.csv: not UTF-8 text (byte 0xfc at offset 20)" in message
    assert "iconv" in message


def test_class_too_small_to_cross_validate_is_named(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, ("Invoice address", "Change our invoice address.", "finance")]
    message = _train(_csv(tmp_path / "tickets.csv", "subject,body,queue", rows), tmp_path)
    assert "class(es) 'finance' have fewer than 5 examples" in message


def test_missing_label_is_named_by_jsonl_line(tmp_path: Path) -> None:
    data = tmp_path / "tickets.jsonl"
    lines = [{"subject": s, "body": b, "queue": q} for s, b, q in GOOD_ROWS]
    lines[3]["queue"] = ""
    data.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"1 row\(s\) have no queue label \(row 4\)"):
        read_labelled(data, ["subject", "body"], "queue")


def test_unknown_file_type_asks_for_csv_or_jsonl(tmp_path: Path) -> None:
    data = tmp_path / "tickets.xlsx"
    data.write_text("x", encoding="utf-8")
    with pytest.raises(TrainingDataError, match="use a .csv or .jsonl file"):
        read_labelled(data, ["subject"], "queue")


def test_missing_file_is_named(tmp_path: Path) -> None:
    message = _train(tmp_path / "nowhere.csv", tmp_path)
    assert "nowhere.csv: no such file" in message
