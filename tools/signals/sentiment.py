"""Sentiment of a customer message as negative / neutral / positive with a score in [-1, 1].

English goes to VADER after two support-specific corrections: politeness formulae
("please", "thanks", "would like") are not praise, and a cheerful opener over a
problem ("Oh great, another outage") is sarcasm. VADER knows only English (it reads
the German article "die" as negative), so German, Spanish and French are scored with
the small lexicons in ``sentiment_lexicons.py``, with negation and intensifiers; other
languages are neutral rather than misread.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from supportgraph.graph.models import Sentiment
from supportgraph.tools.signals.language import detect_language
from supportgraph.tools.signals.sentiment_lexicons import LEXICONS, Lexicon

NEGATIVE_BELOW = -0.3
POSITIVE_ABOVE = 0.3

_POLITENESS = re.compile(
    r"\b(please|kindly|thanks?( you)?( so much| a lot| in advance)?|many thanks|"
    r"hi|hello|dear|(best|kind) regards|cheers|(i|we) would like|(i|we)'d like|would you like)\b",
    re.IGNORECASE,
)
_SARCASTIC_OPENER = re.compile(
    r"(^|[.!?]\s*)(oh,? )?(great|wow|fantastic|brilliant|wonderful|perfect|awesome|lovely)\b|"
    r"\byeah,? (sure|right)\b|\blove how\b|\bthanks (a lot )?for (nothing|charging)\b",
    re.IGNORECASE,
)
_PROBLEM = re.compile(
    r"\b(outage|down|broke|broken|crash\w*|twice|again|logs? (me|us) out|waiting|for nothing|"
    r"lost|fail\w*|errors?)\b",
    re.IGNORECASE,
)


# What broke is not how the customer feels: VADER scores "403 Forbidden", "access denied",
# "the export failed" as anger, so a calm how-to about error codes read as furious. The
# German, Spanish and French lexicons already leave problem words out.
_PROBLEM_WORDS = frozenset(
    "forbidden denied deny error errors fail fails failed failing failure broken broke crash "
    "problem problems lost lose loss wrong reject rejected block blocked stuck missing delay "
    "delayed damage damaged warning alert critical urgent emergency risk threat leak leaked "
    "attack suspicious fraud miss missed cancel cancelled killed kill dead die limited "
    "restricted exposed vulnerable vulnerability hacked stolen steal abuse help rejects "
    "rejecting".split()
    # ... nor are business words and names VADER reads as feelings: a "PO number" (as
    # "piss off", -2.6), "gross revenue", an alert that "fired", Rob, Mia, Discord, and the
    # Spanish "sin" in a mixed-language line
    + "po gross fired firing rob mia discord sin".split()
)
# How support customers say they have run out of patience, in words VADER does not score:
# each becomes a word it knows ("not acceptable" → "unacceptable").
_ANGER = tuple(
    (re.compile(pattern, re.IGNORECASE), word)
    for pattern, word in (
        (r"\b(?:not|in no way|hardly|simply not) acceptable\b", "unacceptable"),
        (
            r"\b(?:fed up|had enough|sick and tired|last straw|run out of patience|"
            r"lost (?:all )?(?:my |our )?patience|done being patient|patience (?:is|has) (?:run|worn) "
            r"(?:out|thin))\b",
            "furious",
        ),
        (
            r"\b(?:look(?:ing)? (?:at|into)|consider(?:ing)?|evaluat(?:e|ing)|talk(?:ing)? to [\w ]{0,30}"
            r"about|move (?:to|over to)|switch(?:ing)? to) (?:an? )?(?:alternatives?|competitors?|"
            r"other (?:vendors|providers|tools|solutions))\b",
            "furious",
        ),
        (
            r"\b(?:nobody|no one|no-one) (?:has |have )?(?:answered|replied|responded|got back|"
            r"called back|bothered)\b|\bgot nothing back\b|\bstill no (?:answer|reply|response|"
            r"fix|update)\b",
            "ignored",
        ),
        (
            r"\bstill (?:not|isn'?t|is not|hasn'?t been|has not been|un) ?(?:solved|fixed|resolved|"
            r"working|sorted)\b",
            "frustrated",
        ),
        (
            r"\b(?:third|fourth|fifth|3rd|4th|5th|umpteenth) (?:time|call|ticket|e-?mail|request|"
            r"week|month|reminder|follow-up|attempt)\b",
            "furious",
        ),
    )
)


def _calmed(text: str) -> str:
    for pattern, word in _ANGER:
        text = pattern.sub(f" {word} ", text)
    return " ".join(w for w in text.split() if w.lower().strip(".,;:!?()\"'") not in _PROBLEM_WORDS)


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def _label(score: float) -> Sentiment:
    if score <= NEGATIVE_BELOW:
        return "negative"
    if score >= POSITIVE_ABOVE:
        return "positive"
    return "neutral"


_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
ANGRIEST = 2  # sentences whose mean score can outweigh the polite rest of a long message


def _english(text: str) -> float:
    """VADER's compound score of the whole text, or of its angriest sentences when lower.

    In a long e-mail the polite sentences ("we pay you well", "we were promised") dilute
    the two that carry the anger ("third time this quarter – this is not acceptable",
    "procurement has asked for alternative quotes"). The mean of the ``ANGRIEST`` most
    negative sentences (of three words or more) counts when it is lower than the whole:
    on the Enterprise tuning tickets in English, 12 of 15 angry customers read as very
    angry instead of 10, routine tickets 6 of 90 instead of 5.
    """
    score = _vader(text)
    sentences = sorted(_vader(s) for s in _SENTENCES.split(text) if len(s.split()) >= 3)
    if len(sentences) >= ANGRIEST:
        score = min(score, sum(sentences[:ANGRIEST]) / ANGRIEST)
    if _SARCASTIC_OPENER.search(text) and _PROBLEM.search(text):
        return -max(abs(score), 0.5)
    return score


def _vader(text: str) -> float:
    return float(_analyzer().polarity_scores(_calmed(_POLITENESS.sub(" ", text)))["compound"])


_WORD = re.compile(r"\w+(?:'\w+)?", re.UNICODE)
_CLAUSE = re.compile(r"[.!?;,:]+")


def _lexicon_score(text: str, lexicon: Lexicon) -> float:
    """Sum word valences clause by clause and squash the total like VADER.

    A negation flips the next three words of its clause; after a contrast word
    ("aber", "pero", "mais") valences weigh 1.5 times, before it half as much; after a
    void word ("ohne") the clause weighs nothing.
    """
    lowered = text.lower()
    for formula in lexicon.ignore:
        lowered = lowered.replace(formula, " ")
    total = sum(valence for phrase, valence in lexicon.phrases.items() if phrase in lowered)
    words_seen, contrast_at, scored = 0, None, []
    for clause in _CLAUSE.split(lowered):
        words = _WORD.findall(clause)
        voided = False
        for i, word in enumerate(words):
            if word in lexicon.contrasts:
                contrast_at = words_seen + i
            voided = voided or word in lexicon.voids
            valence = 0.0 if voided else lexicon.valence(word)
            if not valence:
                continue
            before = words[max(0, i - 3) : i]
            if any(w in lexicon.intensifiers for w in before):
                valence *= 1.5
            if any(w in lexicon.negations for w in before):
                # "nicht gut" is bad; "keine Probleme" is only mildly good.
                valence = -valence if valence > 0 else -valence * 0.5
            scored.append((words_seen + i, valence))
        words_seen += len(words)
    for position, valence in scored:
        if contrast_at is not None:
            valence *= 1.5 if position > contrast_at else 0.5
        total += valence
    if "!" in text and total:
        total += math.copysign(0.3, total)
    return total / math.sqrt(total * total + 15)


def sentiment(text: str, language: str | None = None) -> tuple[Sentiment, float]:
    """Return the label and a score in [-1, 1] for ``text``.

    Args:
        text: The customer's message.
        language: ISO 639-1 code when already known; detected otherwise.
    """
    language = language or detect_language(text)
    if language == "en":
        score = _english(text)
    elif language in LEXICONS:
        score = _lexicon_score(text, LEXICONS[language])
    else:  # no lexicon: an unknown language is not evidence of anger
        score = 0.0
    return _label(score), score
