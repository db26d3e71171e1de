"""The learned half of triage: what happened, to whom, how pressing, and who must act.

Eight heads read one ticket: ``who`` is affected, what happened (``effect``), what
makes it pressing (``urgency``), the rubric's ``impact`` level that follows from who and
what (learned directly: it is what the priority matrix needs), ``routine`` (thanks,
auto-reply, spam, how-to…), whether a ``person`` must act before anything is sent and
the ``reason`` why (a refund, a privacy incident, a GDPR request…), and the
``category``. They
are logistic regressions over one feature row: the multilingual sentence vector of the
ticket (tools/triage/multilingual.py), word and character TF-IDF n-grams, and the tier and
channel. They learn from tickets written for the project and labelled against the
rubric (tests/data/judgement/tuning: 3,530 tickets, English, German, Spanish, French),
plus the shipped category examples. Priority is not learned here: tools/triage/severity.py
derives it from these signals with the rubric's impact × urgency matrix.

The fitted model is plain arrays (vocabularies, idf weights, coefficients) in
``tools/data/models/judgement.npz``: it loads in well under a second with any
scikit-learn version and is never trained at run time. ``make models`` rebuilds it;
a test checks it was built from the data in the repository.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from supportgraph.graph.errors import ModelFileError
from supportgraph.graph.models import CATEGORIES, CHANNELS, EFFECTS, TIERS, Ticket
from supportgraph.tools import shipped_data
from supportgraph.tools.signals.ticket_text import judged_text, passages
from supportgraph.tools.triage.multilingual import ENCODER
from supportgraph.tools.triage.sparse import Rows
from supportgraph.tools.triage.tfidf import FittedTfidf

FORMAT = 1
HEADS: dict[str, tuple[str, ...]] = {
    "who": ("none", "one_user", "team", "company", "other_customers"),
    "effect": EFFECTS,
    "urgency": ("none", "deadline", "repeat_contact", "business_stopped"),
    "impact": ("none", "minor", "money", "moderate", "significant", "extensive"),
    "routine": ("none", "howto", "feature_idea", "auto_reply", "spam", "thanks", "praise"),
    "person": ("no", "yes"),
    "reason": (
        "none",
        "critical_incident",
        "security_incident",
        "privacy_incident",
        "data_loss",
        "legal_threat",
        "gdpr_request",
        "other_customer_data",
        "secrets_request",
        "refund_or_credit",
        "chargeback",
        "downgrade",
        "cancellation",
        "deletion",
        "angry_high_value",
    ),
    "category": CATEGORIES,
    # A sentence window read alone (tests/data/judgement/tuning/passages.json): does it
    # state the serious fact itself, belong to a serious matter, or neither?
    "window": ("harmless", "context", "serious"),
}
_WORDS = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2, "max_features": 20000}
_CHARS = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "sublinear_tf": True,
    "min_df": 2,
    "max_features": 30000,
}


@dataclass(frozen=True)
class Settings:
    """Training settings, chosen by cross-validation across the tuning set's authors."""

    c: float = 16.0
    embedding_weight: float = 1.0
    meta_weight: float = 0.3


@dataclass(frozen=True)
class Judgement:
    """Each head's probability per class for one ticket, and what was cut before judging."""

    probabilities: dict[str, dict[str, float]]
    steering: tuple[str, ...] = ()
    text: str = ""  # the judged text, case kept (sentiment reads it)
    # Each passage of a ticket of several, judged on its own (text: the passage): a line
    # that matters, buried in a friendly message, reads as what it is there.
    passages: tuple[Judgement, ...] = ()

    def top(self, head: str) -> tuple[str, float]:
        """The most likely class of ``head`` and its probability."""
        scores = self.probabilities[head]
        best = max(scores, key=scores.__getitem__)
        return best, scores[best]

    def top_reason(self) -> tuple[str, float]:
        """The most likely reason a person must act, other than none."""
        scores = {k: v for k, v in self.probabilities["reason"].items() if k != "none"}
        best = max(scores, key=scores.__getitem__)
        return best, scores[best]

    def p(self, head: str, *classes: str) -> float:
        """Probability that ``head`` is any of ``classes``."""
        return sum(self.probabilities[head].get(c, 0.0) for c in classes)


def mean_vectors(encoded: np.ndarray, spans: Sequence[int] | np.ndarray) -> np.ndarray:
    """One L2-normalised vector per text: the mean of its passages' rows in ``encoded``.

    ``spans`` are cumulative passage counts (text ``i`` owns rows ``spans[i]:spans[i+1]``).
    """
    means = (
        np.vstack(
            [
                encoded[start:end].mean(axis=0)
                for start, end in zip(spans[:-1], spans[1:], strict=True)
            ]
        )
        if len(spans) > 1
        else np.zeros((0, encoded.shape[1]), np.float32)
    )
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return (means / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def text_vectors(texts: Sequence[str]) -> np.ndarray:
    """The vector of each whole text as the model reads it: the mean of its passages."""
    from supportgraph.tools.triage.multilingual import multilingual_encoder

    cuts = [passages(t) or ("",) for t in texts]  # an empty text reads as one empty passage
    encoded = multilingual_encoder().encode([p for cut in cuts for p in cut])
    return mean_vectors(encoded, np.cumsum([0, *map(len, cuts)]))


def _meta(tiers: Sequence[str | None], channels: Sequence[str | None], weight: float) -> np.ndarray:
    rows = np.zeros((len(tiers), len(TIERS) + len(CHANNELS)), np.float32)
    for i, (tier, channel) in enumerate(zip(tiers, channels, strict=True)):
        if tier in TIERS:
            rows[i, TIERS.index(tier)] = weight
        if channel in CHANNELS:
            rows[i, len(TIERS) + CHANNELS.index(channel)] = weight
    return rows


def tfidf_rows(vectorizer: Any, texts: Sequence[str]) -> Rows:
    """``vectorizer.transform(texts)``, computed here: the same rows, a third of the time.

    scikit-learn validates its input and output on every call, which for one ticket
    costs more than the counting itself. This reads the fitted analyzer, vocabulary and
    idf weights and applies the same sublinear tf, idf and L2 norm (tests/test_judgement.py
    checks the rows match).
    """
    return tfidf_from_counts(vectorizer, term_counts(vectorizer, texts))


# A text's terms as (columns, counts): the columns sorted and distinct.
Counts = tuple[np.ndarray, np.ndarray]
WORD_GRAMS_KEPT = 20_000  # words whose char n-gram columns are remembered (about 11 MB)


def term_counts(vectorizer: Any, texts: Sequence[str]) -> list[Counts]:
    """How often each vocabulary term (by column) occurs in each text."""
    # Char n-grams of lower-cased words and nothing else done to the text (the judgement's):
    # counted word by word.
    by_word = vectorizer.analyzer == "char_wb" and vectorizer.lowercase
    if by_word and vectorizer.preprocessor is None and vectorizer.strip_accents is None:
        return [_char_counts(vectorizer, text) for text in texts]
    analyze, vocabulary, _ = _fitted(vectorizer)
    found = []
    for text in texts:
        # Counter counts in C; each distinct term is then looked up once, and distinct
        # terms have distinct columns.
        terms = Counter(analyze(text))
        found.append(
            _counts({c: n for t, n in terms.items() if (c := vocabulary.get(t)) is not None})
        )
    return found


def _char_counts(vectorizer: Any, text: str) -> Counts:
    """``term_counts`` for char n-grams inside words: a text's are the sum of its words'.

    scikit-learn cuts every word into its n-grams again on every call; a ticket's words
    are mostly ones seen before, so each word's columns are remembered instead.
    """
    words = Counter(text.lower().split())
    if not words:
        return _counts({})
    grams = _word_grams(vectorizer)
    parts = [grams(word) for word in words]
    columns = np.concatenate([columns for columns, _ in parts])
    counts = np.concatenate(
        [counts * n for (_, counts), n in zip(parts, words.values(), strict=True)]
    )
    return summed_counts(columns, counts)


def _word_grams(vectorizer: Any) -> Any:
    cached = getattr(vectorizer, "_supportgraph_word_grams", None)
    if cached is None:
        _, vocabulary, _ = _fitted(vectorizer)
        ngrams = vectorizer._char_wb_ngrams  # the analyzer's own cutting, of one word

        @lru_cache(maxsize=WORD_GRAMS_KEPT)
        def cached(word: str) -> Counts:
            terms = Counter(ngrams(word))
            return _counts({c: n for t, n in terms.items() if (c := vocabulary.get(t)) is not None})

        vectorizer._supportgraph_word_grams = cached
    return cached


def _counts(row: Mapping[int, int]) -> Counts:
    columns = np.fromiter(row, np.int32, len(row))
    counts = np.fromiter(row.values(), np.float32, len(row))
    order = np.argsort(columns)
    return columns[order], counts[order]


def summed_counts(columns: np.ndarray, counts: np.ndarray) -> Counts:
    """Counts of the same column added up, the columns sorted."""
    distinct, at = np.unique(columns, return_inverse=True)
    return distinct.astype(np.int32), np.bincount(at, counts, len(distinct)).astype(np.float32)


def _joined(rows: Sequence[Counts]) -> Counts:
    """The rows' columns and counts end to end (empty arrays for no rows)."""
    return (
        np.concatenate([np.zeros(0, np.int32), *(columns for columns, _ in rows)]),
        np.concatenate([np.zeros(0, np.float32), *(counts for _, counts in rows)]),
    )


def summed(rows: Sequence[Counts]) -> Counts:
    """A text's counts from its passages' (char n-grams never cross a space)."""
    return summed_counts(*_joined(rows))


def tfidf_from_counts(vectorizer: Any, rows: Sequence[Counts]) -> Rows:
    """TF-IDF rows (sublinear tf, the fitted idf, L2 norm) from term counts."""
    _, vocabulary, idf = _fitted(vectorizer)
    indptr = np.cumsum([0, *(len(columns) for columns, _ in rows)]).astype(np.int64)
    columns, counts = _joined(rows)
    values = (np.log(counts) + 1.0) * idf[columns]
    owner = np.repeat(np.arange(len(rows)), np.diff(indptr))
    norms = np.sqrt(np.bincount(owner, values * values, minlength=len(rows))).astype(np.float32)
    values /= np.where(norms == 0, 1.0, norms)[owner]
    return Rows(indptr, columns, values, len(vocabulary))


def _fitted(vectorizer: Any) -> tuple[Any, dict[str, int], np.ndarray]:
    cached = getattr(vectorizer, "_supportgraph_fitted", None)
    if cached is None:
        cached = (
            vectorizer.build_analyzer(),
            vectorizer.vocabulary_,
            np.asarray(vectorizer.idf_, np.float32),
        )
        vectorizer._supportgraph_fitted = cached
    return cached


def _vectorizer(params: dict[str, Any], vocabulary: dict[str, int] | None = None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(**params, vocabulary=vocabulary, dtype=np.float32)


@dataclass
class JudgementModel:
    """Fitted vectorisers and heads; ``judge`` turns tickets into a Judgement each."""

    words: Any
    chars: Any
    heads: dict[str, tuple[tuple[str, ...], np.ndarray, np.ndarray]]
    settings: Settings
    metadata: dict[str, Any] = field(default_factory=dict)

    def features(
        self,
        texts: Sequence[str],
        tiers: Sequence[str | None],
        channels: Sequence[str | None],
        vectors: np.ndarray | None = None,
        chars: Rows | None = None,
    ) -> Rows:
        """One feature row per text: sentence vector, word and char TF-IDF, tier and channel.

        ``vectors`` and ``chars`` (the char TF-IDF rows) are computed here unless given.
        """
        if vectors is None:
            vectors = text_vectors(texts)
        return Rows.side_by_side(
            [
                Rows.of_dense(vectors * self.settings.embedding_weight),
                tfidf_rows(self.words, texts),
                tfidf_rows(self.chars, texts) if chars is None else chars,
                Rows.of_dense(_meta(tiers, channels, self.settings.meta_weight)),
            ]
        )

    @cached_property
    def _stacked(self) -> tuple[np.ndarray, np.ndarray, list[tuple[str, int, int]]]:
        """Every head's weights side by side, features down: one product scores them all."""
        blocks, intercepts, spans, start = [], [], [], 0
        for head, (_, coef, intercept) in self.heads.items():
            blocks.append(coef.T)
            intercepts.append(intercept)
            spans.append((head, start, start + len(intercept)))
            start += len(intercept)
        weights = np.ascontiguousarray(np.hstack(blocks), dtype=np.float32)
        return weights, np.concatenate(intercepts).astype(np.float32), spans

    def probabilities(self, x: Rows) -> dict[str, np.ndarray]:
        """Softmax probabilities of every head for the rows of ``x``."""
        weights, intercepts, spans = self._stacked
        all_scores = np.asarray(x @ weights) + intercepts
        out = {}
        for head, start, end in spans:
            scores = all_scores[:, start:end]
            if end - start == 1:  # a binary head stores one row of weights
                scores = np.hstack([np.zeros_like(scores), scores])
            scores = scores - scores.max(axis=1, keepdims=True)
            exp = np.exp(scores)
            out[head] = exp / exp.sum(axis=1, keepdims=True)
        return out

    def judge_many(self, tickets: Sequence[Ticket]) -> list[Judgement]:
        """Judge several tickets at once, each whole and passage by passage.

        One encoder batch: every passage of every ticket. A ticket's vector is the mean
        of its passages' vectors (as in training), so judging the passages costs no
        second encoding; only the TF-IDF rows and one product per passage are added.
        """
        from supportgraph.tools.triage.multilingual import multilingual_encoder

        judged = [judged_text(t) for t in tickets]
        # A ticket that is all steering ("Please do not escalate this.") leaves nothing to
        # judge: it is read as an empty text, not skipped.
        cuts = [passages(j.text) or ("",) for j in judged]
        flat = [p for cut in cuts for p in cut]
        encoded = multilingual_encoder().encode(flat)
        spans = np.cumsum([0, *map(len, cuts)])
        several = [i for i, cut in enumerate(cuts) if len(cut) > 1]
        texts = [j.text for j in judged] + [p for i in several for p in cuts[i]]
        tiers = [t.customer_tier for t in tickets]
        channels = [t.channel for t in tickets]
        owner = [i for i in several for _ in cuts[i]]
        vectors = np.vstack(
            [
                mean_vectors(encoded, spans),
                encoded[[k for i in several for k in range(spans[i], spans[i + 1])]],
            ]
        )
        # Char n-grams never cross a space, so a ticket's char counts are the sum of its
        # passages': each passage is analysed once and serves both rows.
        counted = term_counts(self.chars, flat)
        whole = [summed(counted[start:end]) for start, end in itertools.pairwise(spans)]
        chars = tfidf_from_counts(
            self.chars, whole + [counted[k] for i in several for k in range(spans[i], spans[i + 1])]
        )
        x = self.features(
            texts,
            tiers + [tiers[i] for i in owner],
            channels + [channels[i] for i in owner],
            vectors,
            chars,
        )
        probs = self.probabilities(x)
        found, k = [], len(tickets)
        for i in range(len(tickets)):
            parts: tuple[Judgement, ...] = ()
            if len(cuts[i]) > 1:
                parts = tuple(self.row(probs, k + n, text=p) for n, p in enumerate(cuts[i]))
                k += len(cuts[i])
            found.append(
                self.row(probs, i, steering=judged[i].steering, text=judged[i].kept, passages=parts)
            )
        return found

    def row(self, probs: dict[str, np.ndarray], k: int, **rest: Any) -> Judgement:
        """Row ``k`` of :meth:`probabilities`' output as a Judgement (``rest``: its other fields)."""
        return Judgement(
            {
                head: dict(zip(self.heads[head][0], map(float, probs[head][k]), strict=True))
                for head in self.heads
            },
            **rest,
        )

    def judge(self, ticket: Ticket) -> Judgement:
        """Judge one ticket."""
        return self.judge_many([ticket])[0]

    # --- training and files ------------------------------------------------------

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        tiers: Sequence[str | None],
        channels: Sequence[str | None],
        labels: Mapping[str, Sequence[str | None]],
        settings: Settings = Settings(),
        vectors: np.ndarray | None = None,
    ) -> JudgementModel:
        """Fit vectorisers on ``texts`` and one head per label list (None = unlabelled row)."""
        from sklearn.linear_model import LogisticRegression

        words = _vectorizer(_WORDS).fit(texts)
        chars = _vectorizer(_CHARS).fit(texts)
        model = cls(words, chars, {}, settings)
        x = model.features(texts, tiers, channels, vectors).csr()  # scikit-learn takes SciPy's
        for head, values in labels.items():
            rows = np.array([i for i, v in enumerate(values) if v is not None])
            if len(rows) == 0:  # e.g. no labelled windows in this data: no window head
                continue
            y = np.array([values[i] for i in rows])
            classifier = LogisticRegression(
                C=settings.c, max_iter=3000, class_weight="balanced"
            ).fit(x[rows], y)
            order = [c for c in HEADS[head] if c in set(classifier.classes_)]
            index = [list(classifier.classes_).index(c) for c in order]
            if len(classifier.classes_) == 2:
                coef, intercept = classifier.coef_, classifier.intercept_
                if order[1] != classifier.classes_[1]:
                    coef, intercept = -coef, -intercept
            else:
                coef, intercept = classifier.coef_[index], classifier.intercept_[index]
            model.heads[head] = (
                tuple(order),
                np.asarray(coef, np.float32),
                np.asarray(intercept, np.float32),
            )
        return model

    def save(self, path: Path) -> Path:
        """Write the model as plain arrays (``.npz``) and readable metadata (``.json``)."""
        arrays: dict[str, np.ndarray] = {
            "words_idf": self.words.idf_.astype(np.float32),
            "chars_idf": self.chars.idf_.astype(np.float32),
        }
        for head, (_, coef, intercept) in self.heads.items():
            arrays[f"{head}_coef"] = coef.astype(np.float16)
            arrays[f"{head}_intercept"] = intercept
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path.with_suffix(".npz"), allow_pickle=False, **arrays)
        meta = {
            "format": FORMAT,
            "settings": self.settings.__dict__,
            "heads": {head: list(classes) for head, (classes, _, _) in self.heads.items()},
            "words_vocabulary": _ordered(self.words.vocabulary_),
            "chars_vocabulary": _ordered(self.chars.vocabulary_),
            **self.metadata,
            "encoder": ENCODER,
        }
        path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        return path.with_suffix(".npz")

    @classmethod
    def load(cls, path: Path) -> JudgementModel:
        """Read a model written by :meth:`save`.

        Raises:
            ModelFileError: a file is missing or was written in another format.
        """
        try:
            meta = json.loads(path.with_suffix(".json").read_text("utf-8"))
            arrays = np.load(path.with_suffix(".npz"))
        except (OSError, ValueError) as exc:
            raise ModelFileError(
                f"judgement model {path} cannot be read ({exc}); rebuild it with `make models`"
            ) from None
        if meta.get("format") != FORMAT:
            raise ModelFileError(
                f"judgement model {path} has format {meta.get('format')}, this version reads "
                f"{FORMAT}; rebuild it with `make models`"
            )
        if meta.get("encoder") != ENCODER:
            raise ModelFileError(
                f"judgement model {path} was trained on {meta.get('encoder') or 'other'} sentence "
                f"vectors, this version encodes with {ENCODER}; rebuild it with `make models`"
            )
        words = _fixed(_WORDS, meta["words_vocabulary"], arrays["words_idf"])
        chars = _fixed(_CHARS, meta["chars_vocabulary"], arrays["chars_idf"])
        heads = {
            head: (
                tuple(classes),
                arrays[f"{head}_coef"].astype(np.float32),
                arrays[f"{head}_intercept"],
            )
            for head, classes in meta["heads"].items()
        }
        settings = Settings(**meta["settings"])
        extra = {k: v for k, v in meta.items() if k not in ("words_vocabulary", "chars_vocabulary")}
        return cls(words, chars, heads, settings, extra)


def _ordered(vocabulary: dict[str, Any]) -> list[str]:
    """Terms in column order (the vocabulary as a list, smaller and stable in JSON)."""
    terms = [""] * len(vocabulary)
    for term, column in vocabulary.items():
        terms[int(column)] = term
    return terms


def _fixed(params: dict[str, Any], terms: list[str], idf: np.ndarray) -> FittedTfidf:
    return FittedTfidf(params, {term: i for i, term in enumerate(terms)}, idf)


def shipped_model_path() -> Path:
    """Where the shipped model lives inside the installed package."""
    return shipped_data("models/judgement.npz")


@lru_cache(maxsize=2)
def load_judgement(path: Path | None = None) -> JudgementModel:
    """The judgement model at ``path``, or the shipped one; loaded once per process."""
    return JudgementModel.load(path or shipped_model_path())


def data_hash(*files: Path) -> str:
    """sha256 over the training files, to tell whether a model was built from them."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()
