"""Language of a customer message (lingua), as an ISO 639-1 code."""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = (
    Language.ENGLISH,
    Language.GERMAN,
    Language.FRENCH,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH,
)


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*SUPPORTED).with_low_accuracy_mode().build()


def detect_language(text: str, default: str = "en") -> str:
    """Return the ISO 639-1 code of the text's language, or ``default`` if unsure."""
    detected = _detector().detect_language_of(text)
    return detected.iso_code_639_1.name.lower() if detected else default
