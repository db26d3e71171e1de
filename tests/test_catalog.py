"""The plan catalog answers what a customer asks about by name: which plans include it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportgraph.graph.errors import ConfigurationError
from supportgraph.tools import shipped_data
from supportgraph.tools.accounts.catalog import (
    asked_offerings,
    features_of,
    load_catalog,
    named_offerings,
)


def _asked(text: str, path: Path | None = None) -> dict[str, tuple[str, ...]]:
    return {o.name: o.plans for o in asked_offerings(text, path)}


@pytest.mark.parametrize(
    "question",
    [
        "Our security team asks about SSO and audit logs. Are those only on Enterprise?",
        "Unser IT-Team fragt nach Single-Sign-On und Audit-Protokollen: nur mit Enterprise?",
        "¿El inicio de sesión único y los registros de auditoría solo vienen con Enterprise?",
        "L'authentification unique et les journaux d'audit, c'est seulement avec Enterprise ?",
    ],
    ids=["en", "de", "es", "fr"],
)
def test_a_feature_is_found_by_the_words_customers_use_in_four_languages(question: str) -> None:
    assert _asked(question) == {"SSO/SAML": ("Enterprise",), "Audit logs": ("Enterprise",)}


def test_a_plan_has_the_features_of_the_plan_it_includes_everything_of() -> None:
    catalog = load_catalog(None)
    assert "Funnels and cohorts" in features_of("Enterprise", catalog)  # Growth, via Professional
    assert not any(f.startswith("Everything in") for f in features_of("Enterprise", catalog))
    assert _asked("Do cohorts come with Growth?") == {
        "Funnels and cohorts": ("Growth", "Professional", "Enterprise")
    }


def test_an_integration_counts_only_where_a_plan_lists_it() -> None:
    assert _asked("Wir bräuchten den HubSpot-Connector.") == {
        "HubSpot": ("Growth", "Professional", "Enterprise")
    }
    assert _asked("Can we sync to BigQuery?") == {"Google BigQuery": ("Professional", "Enterprise")}
    # a word inside another word is not a name: "segmented" is not Segment
    assert _asked("Our segmented reports look fine, nothing else to ask.") == {}


def test_words_for_something_no_plan_offers_are_refused_with_its_name(tmp_path: Path) -> None:
    catalog = json.loads(shipped_data("plans.json").read_text(encoding="utf-8"))
    catalog["terms"]["Time travel"] = ["yesterday's data"]
    path = tmp_path / "plans.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="'Time travel'.*no plan lists"):
        load_catalog(path)


def test_slack_alerts_are_the_alerts_feature_not_the_slack_integration() -> None:
    # TUV-029 asked for "Slack alerts" on Starter and was told Slack is on Starter.
    assert _asked("Could you please add Slack alerts to the Starter plan?") == {
        "Alerts to email and Slack": ("Growth", "Professional", "Enterprise")
    }


def test_what_the_catalog_lists_with_a_gap_above_is_not_stated() -> None:
    # Slack is listed for Starter to Professional, not for Enterprise: saying where it is
    # available would tell an Enterprise customer it is not theirs.
    assert _asked("Do you integrate with Slack and Shopify?") == {}
    assert _asked("Do you integrate with Segment?") == {
        "Segment": ("Growth", "Professional", "Enterprise")
    }


def test_what_a_ticket_is_about_names_every_offering_with_all_its_words() -> None:
    # Unlike what is offered, what a ticket is about leaves out nothing a plan lists.
    named = named_offerings("Slack alerts silent, and the Audit-Protokolle export fails")
    assert sorted(named) == ["Alerts to email and Slack", "Audit logs"]
    assert "audit log" in named["Audit logs"] and "auditprotokolle" in named["Audit logs"]
    assert named_offerings("Slack and Shopify both stopped").keys() == {"Slack", "Shopify"}
