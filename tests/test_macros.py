"""Reply macros: every situation in every language and channel, and the team's overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from supportgraph.cli.app import app
from supportgraph.graph.errors import ConfigurationError
from supportgraph.tools.reply.macros import format_money, load_macros
from supportgraph.tools.reply.replies import TeamName

runner = CliRunner()
LANGUAGES = ("en", "de", "es", "fr")
CHANNELS = ("Email", "Chat", "Phone", "Web")
MACROS = (
    "thanks",
    "kb_answer",
    "handoff",
    "incident",
    "refund_pending",
    "refund_approved",
    "handover",
    "cancellation",
    "plan_change",
    "gdpr",
    "billing_answer",
    "plans",
    "feature_idea",
)
STEPS = [
    {"text": "Check the status page.", "source": "KB-001"},
    {"text": "Retry with backoff.", "source": "KB-001"},
]
# Every fact any macro reads, so each renders whatever branch it takes.
FACTS: dict[str, Any] = {
    "apology": True,
    "csm": True,
    "steps": STEPS,
    "money": True,
    "fault": True,
    "late": True,
    "brand": "Acme Insights",
    "kind": "praise",
    "reason": "already_requested",
    "requested_on": date(2026, 11, 3),
    "refunds": [{"kind": "refund", "amount": 1234.5, "currency": "USD", "charge": "ch_abc123"}],
    "duplicate": True,
    "security": True,
    "confirmed": False,
    "what": "subscription",
    "current_plan": "Growth",
    "target": "Starter",
    "plans": [
        {"name": "Growth", "monthly": 199.0, "currency": "USD", "price": "$199/month"}
        | {"api": 600, "seats": 10, "integrations": "Slack", "support": "Email"},
        {"name": "Enterprise", "monthly": None, "currency": "USD", "price": "custom"}
        | {"api": 6000, "seats": "custom", "integrations": "SSO", "support": "24/7"},
    ],
    "owned": ["Starter"],
    "integrations": True,
    "asked": [
        {"name": "SSO/SAML", "plans": ["Enterprise"]},
        {"name": "HubSpot", "plans": ["Growth", "Professional", "Enterprise"]},
    ],
    "included": ["Advanced reporting", "Dedicated CSM"],
    "more_steps": 2,
    "article": {"id": "KB-001", "title": "Handling API 5xx errors and retries"},
    "steps_note": True,
}
TEAM = TeamName("our billing team", acc="our billing team", dat="our billing team")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", MACROS)
def test_every_macro_renders_in_every_language_and_channel(name: str, language: str) -> None:
    macros = load_macros()
    for channel in CHANNELS:
        body = macros.render(name, language, **FACTS, team=TEAM, channel=channel)
        text = macros.render(
            "_layout",
            language,
            body=body,
            channel=channel,
            contact_name="Jens Sommerfeld",
            first_name="Jens",
            brand="Acme Insights",
            signature=None,
            reference="T-1",
        )
        assert body.strip() and "{{" not in text
        assert all("  " not in line and line == line.strip() for line in text.splitlines())
        assert (
            "T-1" in text.splitlines()[0] if channel == "Phone" else "Jens" in text.splitlines()[0]
        )


def test_the_shipped_languages_have_every_macro() -> None:
    catalog = load_macros().catalog()
    assert set(MACROS) <= set(catalog)
    assert all(set(catalog[name]) >= set(LANGUAGES) for name in MACROS)


def test_a_language_without_templates_falls_back_to_english() -> None:
    macros = load_macros()
    assert (macros.language_for("de"), macros.language_for("it"), macros.language_for(None)) == (
        "de",
        "en",
        "en",
    )


def test_amounts_are_written_the_way_each_language_writes_them() -> None:
    assert [format_money(1234.5, "EUR", lang) for lang in ("en", "de", "fr")] == [
        "1,234.50 EUR",
        "1.234,50 EUR",
        "1\u202f234,50 EUR",
    ]


def test_a_team_folder_overrides_home_which_overrides_the_shipped_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("SUPPORTGRAPH_HOME", str(home))
    (home / "templates" / "de").mkdir(parents=True)
    (home / "templates" / "de" / "thanks.txt.j2").write_text("Danke von zu Hause.")
    (home / "templates" / "de" / "gdpr.txt.j2").write_text("Datenschutz von zu Hause.")
    ours = tmp_path / "ours"
    (ours / "de").mkdir(parents=True)
    (ours / "de" / "thanks.txt.j2").write_text("Danke, {{ brand }}!")
    macros = load_macros(ours)
    assert macros.render("thanks", "de", brand="Acme") == "Danke, Acme!"
    assert macros.render("gdpr", "de", team=TEAM, kind="access") == "Datenschutz von zu Hause."
    assert macros.render("handoff", "de", team=TEAM, reason="asked", late=False, channel="Chat")


def test_a_misspelt_variable_is_an_error_naming_the_template(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "thanks.txt.j2").write_text("Thanks, {{ custmer }}!")
    with pytest.raises(ConfigurationError, match=r"thanks\.txt\.j2: 'custmer' is undefined"):
        load_macros(tmp_path).render("thanks", "en", brand="Acme")


def test_a_templates_option_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is not a folder"):
        load_macros(tmp_path / "missing")


def test_the_html_part_escapes_what_the_text_holds() -> None:
    html = load_macros().render_html(
        lang="en",
        subject="Re: <b>hi</b>",
        brand="Acme",
        blocks=[{"kind": "p", "lines": ["<script>alert(1)</script> & more"]}],
    )
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_macros_list_and_show_from_the_command_line() -> None:
    listed = runner.invoke(app, ["macros", "list"])
    assert listed.exit_code == 0, listed.output
    assert "refund_approved" in listed.output and "fr" in listed.output
    shown = runner.invoke(app, ["macros", "show", "refund_approved", "--lang", "de"])
    assert shown.exit_code == 0, shown.output
    assert "Erstattung" in shown.output and "de/refund_approved.txt.j2" in shown.output
    unknown = runner.invoke(app, ["macros", "show", "refund_aproved", "--lang", "de"])
    assert unknown.exit_code == 2 and "unknown macro 'refund_aproved'" in unknown.output
