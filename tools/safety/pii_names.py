"""Find person names in English, German, Spanish and French support text, by their cues.

No offline library finds names in free text without a language model (the one name
lexicon that would, names-dataset, takes 20 s and 2 GB to load; see docs/pii_eval.md),
so names are found where the text announces them: an introduction ("my name is",
"ich heiße", "me llamo", "je m'appelle"), a title ("Frau", "Sra.", "Mme"), a form
label ("Nachname:", "Nombre:", "Prénom :"), a greeting ("Dear", "Hallo", "Bonjour")
or the line under a closing ("Mit freundlichen Grüßen", "Saludos,", "Cordialement,").
What follows the cue is a name when its words are capitalised (lower-case particles
such as "de", "von", "van" may join them) and none is a common word of a signature
("Team", "Support", "Equipo"...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

Span = tuple[str, int, int]

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?")
_PARTICLES = frozenset(
    "de del della di da das do dos van von der den ten zu la le du des y e bin al".split()
)
_TITLES = frozenset(
    """mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir madam herr frau fr. hr. sr sr. sra sra.
    srta srta. don doña dña. d. m. mme mme. mlle mlle. monsieur madame mademoiselle""".split()
)
# Capitalised words that follow our cues but are not names.
_NOT_NAMES = frozenset(
    """team teams support service services customer customers client clients kunde kunden
    admin administrator administratorin administrador administradora administrateur
    everyone all the our your my his her their ihr ihre euer dein das die der den dem el los
    las lo le les un une una uno mon ma mes mi mis su sus notre votre vos mein meine unser
    hi hello hey dear thanks thank regards best cheers hallo liebe lieber sehr hola gracias
    saludos estimado estimada bonjour merci cordialement salut billing sales finance it
    accounts accounting abteilung departamento département equipo équipe soporte servicio
    kundenservice kundendienst buchhaltung vertrieb compras ventas comptabilité direction
    management manager head ceo cfo cto leitung geschäftsführung gerente responsable
    monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch
    donnerstag freitag samstag sonntag lunes martes miércoles jueves viernes sábado domingo
    lundi mardi mercredi jeudi vendredi samedi dimanche january february march april may
    june july august september october november december januar februar märz juni juli
    oktober dezember enero febrero marzo abril mayo junio julio agosto septiembre octubre
    noviembre diciembre janvier février mars avril mai juin juillet août septembre octobre
    novembre décembre again still here there now today urgent i grüße grüsse gruß gruss
    regards wishes saludos salutations""".split()
)

_INTRO = (
    r"my name is|my name's|name is|this is|it's|its|i am|i'm|"
    r"mein name ist|ich heiße|ich heisse|hier ist|hier spricht|"
    r"me llamo|mi nombre es|soy|le habla|"
    r"je m'appelle|je m’appelle|mon nom est|je suis|c'est|c’est|ici"
)
_INTRO_WEAK = frozenset({"ich bin", "hier ist"})  # German capitalises nouns: need two words
# A role before a name ("Kundin Petra Lange", "Inhaber Tobias Kern"): two words needed too.
_ROLE = (
    r"inhaber|inhaberin|kontoinhaber|kontoinhaberin|kunde|kundin|kollege|kollegin|anrufer|anruferin|"
    r"customer|client|colleague|caller|account holder|cliente|compañero|compañera|titular|"
    r"collègue|titulaire"
)
_AFTER_VERB = (
    r"call back|spoke with|spoke to|talked to|talked with|speak with|speak to|ask for|"
    r"attention of|attn\.?|a la atenci[oó]n de|à l'attention de|à l’attention de|de la part de|"
    r"zu h[aä]nden(?: von)?|z\. ?hd\.?|r[uü]ckruf an|sprach mit|habl[eé] con"
)
_LABEL = (
    r"name|full name|first name|last name|surname|contact|contact person|customer|caller|"
    r"account holder|cardholder|signed|vorname|nachname|ansprechpartner(?:in)?|kontoinhaber(?:in)?|"
    r"kunde|anrufer(?:in)?|nombre|nombre completo|apellidos?|titular|cliente|contacto|"
    r"nom|prénom|nom complet|titulaire|interlocuteur"
)
_CLOSING = (
    r"best regards|kind regards|warm regards|regards|best wishes|best|thanks|thank you|many thanks|"
    r"cheers|sincerely|yours sincerely|yours truly|br|"
    r"mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|beste grüße|"
    r"liebe grüße|herzliche grüße|schöne grüße|gruß|grüße|danke und gruß|danke|vielen dank|mfg|lg|vg|"
    r"saludos|un saludo|saludos cordiales|atentamente|cordialmente|gracias|muchas gracias|un abrazo|"
    r"cordialement|bien cordialement|bien à vous|salutations|sincères salutations|merci|merci beaucoup|"
    r"amicalement|bonne journée"
)
_GREETING = (
    r"dear|hi|hello|hey|hallo|liebe|lieber|sehr geehrte|sehr geehrter|guten tag|"
    r"hola|estimado|estimada|querido|querida|buenos días|bonjour|cher|chère|salut"
)

_INTRO_RE = re.compile(rf"(?i)(?<!\w)(?:{_INTRO}|ich bin)(?=[ \t])")
_ROLE_RE = re.compile(rf"(?i)(?<![\w-])(?:{_ROLE})(?=[ \t])")
_VERB_RE = re.compile(rf"(?i)(?<!\w)(?:{_AFTER_VERB})(?=[ \t])")
_LABEL_RE = re.compile(rf"(?i)(?<![\w-])(?:{_LABEL})[ \t]*:")
_CLOSING_RE = re.compile(rf"(?im)^[ \t]*(?:{_CLOSING})\b[^\n]{{0,25}}?[ \t]*[,!.]?[ \t]*\n")
_CLOSING_INLINE_RE = re.compile(rf"(?im)^[ \t]*(?:{_CLOSING})[ \t]*,[ \t]*(?=\S)")
_GREETING_RE = re.compile(rf"(?im)^[ \t]*(?:{_GREETING})(?=[ \t])")
_TITLE_RE = re.compile(
    r"(?<![\w.])(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Herr|Frau|Sr|Sra|Srta|Don|Doña|Dña|Mme|Mlle|Monsieur|Madame)\.?|M\.)(?=[ \t])"
)


def _is_name_word(word: str, first: bool) -> bool:
    """A capitalised word that is no common word; in capitals (DUBOIS) only after the first."""
    bare = word.rstrip(".")
    if not bare or not bare[0].isupper() or bare.lower() in _NOT_NAMES:
        return False
    return not (bare.isupper() and len(bare) > 1 and (first or len(bare) <= 3))  # API, SSN


def name_at(text: str, pos: int, min_words: int = 1, max_words: int = 4) -> tuple[int, int] | None:
    """The span of a name starting at ``pos`` (after spaces and a title), or None.

    Args:
        text: The whole text.
        pos: Where the cue ended.
        min_words: Capitalised words the name needs (two after a weak cue).
        max_words: Words a name may have, particles included.
    """
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    found = islice(_WORD.finditer(text, pos, line_end), max_words + 2)
    words = [(m.start(), m.end(), m.group()) for m in found]
    i = 0
    if words and words[0][2].lower() in _TITLES:
        i = 1
    if i < len(words) and text[pos : words[0][0]].strip(" \t"):
        return None  # punctuation between the cue and the name: not introduced by it
    start, end, count, seen = None, None, 0, 0
    previous_end = words[i][0] if i < len(words) else pos
    for w_start, w_end, word in words[i : i + max_words + 1]:
        gap = text[previous_end:w_start]
        if gap.strip(" \t") or seen >= max_words:
            break
        seen += 1
        if word.lower() in _PARTICLES and start is not None:
            previous_end = w_end
            continue
        if not _is_name_word(word, first=start is None):
            break
        start = w_start if start is None else start
        end, count = w_end - (1 if word.endswith(".") and len(word) > 2 else 0), count + 1
        previous_end = w_end
        if word.endswith(".") and len(word) > 2:
            break  # "M. Dubois. Je m'appelle": a full stop ends the name, an initial does not
    if start is None or end is None or count < min_words:
        return None
    return start, end


def _rest_of_line(text: str, end: int) -> str:
    line_end = text.find("\n", end)
    return text[end : len(text) if line_end < 0 else line_end]


def find_names(text: str) -> Iterator[Span]:
    """Names announced by an introduction, a title, a label, a greeting or a closing."""
    for match in _INTRO_RE.finditer(text):
        weak = match.group().lower() in _INTRO_WEAK
        if (span := name_at(text, match.end(), min_words=2 if weak else 1)) is not None:
            yield ("NAME", *span)
    for match in _ROLE_RE.finditer(text):
        if (span := name_at(text, match.end(), min_words=2)) is not None:
            yield ("NAME", *span)
    for pattern in (_VERB_RE, _LABEL_RE):
        for match in pattern.finditer(text):
            if (span := name_at(text, match.end())) is not None:
                yield ("NAME", *span)
    for match in _GREETING_RE.finditer(text):
        span = name_at(text, match.end())
        if span is not None and _rest_of_line(text, span[1]).lstrip(" \t")[:1] in ("", ",", "!"):
            yield ("NAME", *span)
    # A signature's name stands alone on its line: "Thanks for the help\nYesterday..." is no name.
    for pattern in (_CLOSING_RE, _CLOSING_INLINE_RE):
        for match in pattern.finditer(text):
            span = name_at(text, match.end())
            if span is not None and not _rest_of_line(text, span[1]).strip(" \t.,"):
                yield ("NAME", *span)
    for match in _TITLE_RE.finditer(text):
        if (span := name_at(text, match.end(), max_words=3)) is not None:
            yield ("NAME", *span)
