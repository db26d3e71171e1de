"""Priority from impact × urgency, the rubric's matrix, with the reasons written out.

The rubric (../shared/TRIAGE_RUBRIC.md) defines priority as impact × urgency. Impact is
what happened (``effect``) times who it happened to (``breadth``); urgency is what makes
it pressing. The learned heads (tools/triage/judgement.py) give a probability for each value of
the three signals; the matrix turns every combination into a priority, so the ticket
gets a probability per priority. The engine then takes the safe side: when Critical is
plausible enough (``CRITICAL_AT``), the ticket is Critical and the reasons say why.

The customer's tier raises a moderate impact at Enterprise customers to High (a hurt
high-value customer) and never lowers anything: a data leak at a Starter is Critical.
Shouting and instructions in the text never reach the signals (tools/signals/steering.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Literal

from supportgraph.graph.models import PRIORITIES, Priority, self_serve
from supportgraph.tools.signals.hypothetical import asks_what_if
from supportgraph.tools.signals.steering import as_written
from supportgraph.tools.triage.judgement import Judgement

ImpactLevel = Literal["extensive", "significant", "moderate", "minor", "money", "none"]
UrgencyLevel = Literal["normal", "elevated", "pressing"]

# Impact level of each effect, by who is affected.
IMPACT: dict[str, dict[str, ImpactLevel]] = {
    "exposure": dict.fromkeys(
        ("none", "one_user", "team", "company", "other_customers"), "extensive"
    ),
    "data_wrong_or_lost": {
        "none": "moderate",
        "one_user": "moderate",
        "team": "significant",
        "company": "extensive",
        "other_customers": "extensive",
    },
    "unavailable": {
        "none": "significant",
        "one_user": "moderate",
        "team": "significant",
        "company": "extensive",
        "other_customers": "extensive",
    },
    "broken_feature": {
        "none": "moderate",
        "one_user": "moderate",
        "team": "significant",
        "company": "significant",
        "other_customers": "significant",
    },
    "degraded": {
        "none": "minor",
        "one_user": "minor",
        "team": "moderate",
        "company": "moderate",
        "other_customers": "moderate",
    },
    "money": dict.fromkeys(("none", "one_user", "team", "company", "other_customers"), "money"),
    "cosmetic": dict.fromkeys(("none", "one_user", "team", "company", "other_customers"), "minor"),
    "none": dict.fromkeys(("none", "one_user", "team", "company", "other_customers"), "none"),
}
URGENCY: dict[str, UrgencyLevel] = {
    "none": "normal",
    "deadline": "elevated",
    "repeat_contact": "elevated",
    "business_stopped": "pressing",
}
# The rubric's matrix: impact level × urgency level → priority. Billing disputes
# ("money") are Medium however pressing; questions ("none") are Low, Medium for billing
# and account questions or when a deadline or a stopped business stands behind them.
MATRIX: dict[ImpactLevel, dict[UrgencyLevel, Priority]] = {
    "extensive": {"normal": "Critical", "elevated": "Critical", "pressing": "Critical"},
    "significant": {"normal": "High", "elevated": "High", "pressing": "High"},
    "moderate": {"normal": "Medium", "elevated": "High", "pressing": "High"},
    "minor": {"normal": "Medium", "elevated": "Medium", "pressing": "Medium"},
    "money": {"normal": "Medium", "elevated": "Medium", "pressing": "Medium"},
    "none": {"normal": "Low", "elevated": "Medium", "pressing": "Medium"},
}
QUESTION_PRIORITY: dict[str, Priority] = {"billing": "Medium", "account": "Medium"}
# The priority is the most severe one whose cumulative probability (it or anything more
# severe) reaches its threshold: Critical already when plausible (the safe side), the
# others past even odds. The impact and urgency probabilities are sharpened first
# (raised to 1/SHARPEN and renormalised). All chosen by cross-validation across the
# tuning set's authors (tests/tune_judgement.py).
CRITICAL_AT = 0.25
HIGH_AT = 0.5
MEDIUM_AT = 0.6
SHARPEN = 0.5


def matrix_priority(level: ImpactLevel, urgency: str, tier: str, category: str) -> Priority:
    """The matrix's priority for an impact level and urgency, at a tier and category."""
    priority = MATRIX[level][URGENCY[urgency]]
    if level == "none":
        priority = _higher(priority, QUESTION_PRIORITY.get(category, "Low"))
    if tier == "Enterprise" and level == "moderate":
        priority = _higher(priority, "High")  # a hurt high-value customer
    return priority


def cell(effect: str, who: str, urgency: str, tier: str, category: str) -> Priority:
    """The matrix's priority for what happened, to whom, how pressing, tier and category."""
    return matrix_priority(IMPACT[effect][who], urgency, tier, category)


def _higher(a: Priority, b: Priority) -> Priority:
    return a if PRIORITIES.index(a) <= PRIORITIES.index(b) else b


@dataclass(frozen=True)
class Severity:
    """The priority chosen, its probability per priority, and why."""

    priority: Priority
    distribution: dict[Priority, float]
    reasons: tuple[str, ...]


def _decide(distribution: dict[Priority, float]) -> tuple[Priority, str]:
    """The most severe priority whose cumulative probability reaches its threshold."""
    critical = distribution["Critical"]
    if critical >= CRITICAL_AT:
        return "Critical", f"Critical is plausible ({critical:.2f} ≥ {CRITICAL_AT}): safe side"
    at_least = critical
    thresholds: tuple[tuple[Priority, float], ...] = (("High", HIGH_AT), ("Medium", MEDIUM_AT))
    for priority, threshold in thresholds:
        at_least += distribution[priority]
        if at_least >= threshold:
            return priority, f"{priority} or more severe with probability {at_least:.2f}"
    return "Low", f"Low with probability {distribution['Low']:.2f}"


def _sharpened(scores: dict[str, float]) -> dict[str, float]:
    raised = {k: v ** (1 / SHARPEN) for k, v in scores.items()}
    total = sum(raised.values()) or 1.0
    return {k: v / total for k, v in raised.items()}


def _named(head: str, judgement: Judgement) -> str:
    label, p = judgement.top(head)
    return f"{label.replace('_', ' ')} ({p:.2f})"


def _distribution(
    judgement: Judgement, tier: str, category: str, both_readings: bool = True
) -> dict[Priority, float]:
    """Probability per priority: the impact head's reading and the effect × who reading, averaged.

    The impact head reads the impact level directly; the effect and who heads read what
    happened and to whom, which the rubric's IMPACT table turns into a level. Either can
    miss what the other sees ("a former contractor still exports our fee dashboards":
    exposure for one user, which the table makes extensive), so each gives a
    distribution through the matrix and the two are averaged. Cross-validated across the
    tuning set's writers (docs/judgement_eval.md, seventh round), against the impact head
    alone: priority .847 → .853, Critical recall .968 → .974 with as many below High (4),
    false alarms 85 → 83 of 601, one more ticket needing a person missed (a Critical
    incident rated High). ``both_readings=False``: the impact head alone (passages).
    """
    direct: dict[Priority, float] = dict.fromkeys(PRIORITIES, 0.0)
    composed: dict[Priority, float] = dict.fromkeys(PRIORITIES, 0.0)
    impact = _sharpened(judgement.probabilities["impact"])
    urgency = _sharpened(judgement.probabilities["urgency"])
    for (level, pl), (u, pu) in product(impact.items(), urgency.items()):
        direct[matrix_priority(level, u, tier, category)] += pl * pu  # type: ignore[arg-type]
    if not both_readings:
        return direct
    effect = _sharpened(judgement.probabilities["effect"])
    who = _sharpened(judgement.probabilities["who"])
    for (e, pe), (w, pw), (u, pu) in product(effect.items(), who.items(), urgency.items()):
        composed[cell(e, w, u, tier, category)] += pe * pw * pu
    return {p: (direct[p] + composed[p]) / 2 for p in PRIORITIES}


def assess(judgement: Judgement, tier: str, category: str) -> Severity:
    """Priority from the impact and urgency probabilities through the matrix, safe side first."""
    distribution = _distribution(judgement, tier, category)
    priority, why = _decide(distribution)
    reasons = [
        f"impact {_named('impact', judgement)}: {_named('effect', judgement)} for "
        f"{_named('who', judgement)}; urgency {_named('urgency', judgement)}",
        why,
    ]
    if tier == "Enterprise" and priority == "High":
        reasons.append("Enterprise customer: a moderate impact counts as High")
    return Severity(priority, distribution, tuple(reasons))


# --- one passage that reads more serious than the whole ticket -------------------------
# A ticket of several passages is also judged passage by passage (tools/triage/judgement.py).
# A passage raises the ticket when, read alone, it is Critical with at least
# PASSAGE_CRITICAL_AT, or says a person must act (PASSAGE_PERSON_AT) or data may be
# exposed (PASSAGE_EXPOSURE_AT): stricter than for the whole ticket, since a sentence
# alone has less context. A passage that is only High or Medium raises its ticket only
# when it also says a person must act (PASSAGE_FLAG_HIGH_AT below): otherwise that cost
# priority accuracy and caught nothing more. Chosen by cross-validation across the
# tuning set's authors (tests/tune_judgement.py --passages; docs/judgement_eval.md).
PASSAGE_CRITICAL_AT = 0.7
PASSAGE_PERSON_AT = 0.8
PASSAGE_EXPOSURE_AT = 0.6
# Only a passage that itself states a serious fact may raise its ticket: the window
# head, trained on sentence windows labelled serious, context or harmless
# (tests/data/judgement/tuning/passages.json), reads at least this for "serious".
# Cross-validated across writers: false alarms on routine tickets 17.0 % → 15.0 %,
# priority .829 → .847, Critical recall .971 → .968 with still 4 below High, no more
# person-needed tickets missed; at 0.4 three more Critical tickets fell below High.
PASSAGE_SERIOUS_AT = 0.3
# ... and at least this when the whole ticket reads as a how-to, thanks, praise or a feature
# idea (graph/models.py SELF_SERVE_ROUTINE): "our nightly script gets a 429 since we added
# stores" or "all four staff have it switched on now" read alone as a company-wide matter.
# Cross-validated across writers with ROUTINE_PERSON_AT (graph/routing.py): false alarms
# 113 → 104 of 689 routine tickets, priority .831 → .834, no Critical or person-needed
# ticket lost (docs/judgement_eval.md, ninth round); at 0.7 three buried incidents were.
PASSAGE_SERIOUS_ROUTINE_AT = 0.6
# A passage that says a person must act (or data may be exposed), tells of an incident
# (INCIDENT_EFFECTS at PASSAGE_INCIDENT_AT) and, read alone, is High or worse at even odds
# raises its ticket to High: "every dashboard link returns 'Workspace not found' for all 10
# of us", told in an introduction email (FAX-082, read after its run). A request (a
# chargeback, a downgrade, a GDPR access) is the rubric's Medium however much a person must
# act: without the incident bar, 7 of them were raised on the evaluation set. Cross-validated
# across writers: Critical incidents below High 17 → 15 for one more ticket rated High above
# its writer's Medium, priority .852 either way, nothing else changed (without the bar: 2
# more); docs/judgement_eval.md, thirtieth round.
PASSAGE_FLAG_HIGH_AT = 0.5
INCIDENT_EFFECTS = ("unavailable", "broken_feature", "data_wrong_or_lost", "degraded", "exposure")
PASSAGE_INCIDENT_AT = 0.5


@dataclass(frozen=True)
class Alarm:
    """The passage that reads more serious than its ticket, and the severity it gives.

    ``written`` is the passage as the customer wrote it (case, alarm words), for people
    to read; ``passage.text`` is the calm, lower-case copy the heads read.
    """

    passage: Judgement
    severity: Severity
    written: str


def passage_alarm(judgement: Judgement, tier: str, category: str, whole: Severity) -> Alarm | None:
    """The most serious passage of ``judgement`` when it raises the ticket, else None.

    A passage that asks what would happen under a condition ("what is your process if an
    account is compromised?", tools/signals/hypothetical.py) never raises its ticket.
    It raises the ticket when read alone it is Critical and the whole is not, or a
    person must act or data may be exposed where the whole ticket reads harmless; such a
    passage that is High or worse makes a Low or Medium ticket High. The ticket then takes
    the higher priority, and the reasons quote the passage.
    """
    best: tuple[tuple[int, float], Alarm] | None = None
    routine = judgement.top("routine")
    serious_at = PASSAGE_SERIOUS_ROUTINE_AT if self_serve(*routine) else PASSAGE_SERIOUS_AT
    for passage in judgement.passages:
        if (
            "window" in passage.probabilities and passage.p("window", "serious") < serious_at
        ) or asks_what_if(passage.text):
            continue
        # A passage is read by the impact head alone: its thresholds were chosen that way,
        # and averaging in the effect × who reading lost buried incidents in cross-validation.
        distribution = _distribution(passage, tier, category, both_readings=False)
        critical = distribution["Critical"]
        person = passage.p("person", "yes")
        exposure = passage.p("effect", "exposure")
        raises = critical >= PASSAGE_CRITICAL_AT and whole.priority != "Critical"
        flags = (person >= PASSAGE_PERSON_AT and person > judgement.p("person", "yes")) or (
            exposure >= PASSAGE_EXPOSURE_AT and exposure > judgement.p("effect", "exposure")
        )
        if not (raises or flags):
            continue
        chosen: Priority = whole.priority
        why = ""  # what raised the priority, if anything did
        high = critical + distribution["High"]
        happened, happened_p = passage.top("effect")
        if raises:
            chosen = "Critical"
            why = f"; read alone it is Critical ({critical:.2f} ≥ {PASSAGE_CRITICAL_AT})"
        elif (
            high >= PASSAGE_FLAG_HIGH_AT
            and chosen in ("Medium", "Low")
            and happened in INCIDENT_EFFECTS
            and happened_p >= PASSAGE_INCIDENT_AT
        ):  # flags, since it does not raise
            chosen = "High"
            why = f"; read alone it is High or worse ({high:.2f} ≥ {PASSAGE_FLAG_HIGH_AT})"
        written = as_written(passage.text, judgement.text)
        quote = written if len(written) <= 140 else written[:139] + "…"
        reasons = (
            *whole.reasons,
            f"one passage reads {_named('effect', passage)} for {_named('who', passage)}, "
            f'person must act {person:.2f}{why}: "{quote}"',
        )
        rank = (-PRIORITIES.index(chosen), max(person, exposure))
        if best is None or rank > best[0]:
            best = (rank, Alarm(passage, Severity(chosen, distribution, reasons), written))
    return None if best is None else best[1]
