"""Find numbers that identify a person or an account: cards, IBANs, SSNs, EU national ids.

Each finder scans for the shapes people type (grouped with spaces, dashes, dots or
non-breaking spaces, or run together) and keeps a candidate only when its checksum
holds, checked by python-stdnum: Luhn for cards, mod-97 for IBANs, the issuing rules
for US SSNs, the check digit or letter of German tax ids (IdNr), Spanish DNI/NIE and
French INSEE numbers (NIR). A number that fails its checksum is left alone, so order
numbers, invoice ids and timestamps survive; a bare nine-digit number that passes the
SSN rules is one unless an order, invoice, ticket or phone label stands just before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import iban, luhn
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.exceptions import ValidationError
from stdnum.fr import nir
from stdnum.us import ssn

Span = tuple[str, int, int]  # kind, start, end

# Separators people put inside long numbers: spaces of every width, dashes, dots.
_SEP = r"[ \t\u00a0\u2007\u2009\u202f.\-‐‑–_]"
# Underscores may join groups (4111_1111_...) but not glue a number to an id (ch_4111...).
_DIGIT_RUN = re.compile(rf"(?<![\w.,-])\d+(?:{_SEP}\d+)*(?![\w-])")
_GROUP = re.compile(r"\d+")


def luhn_ok(number: str) -> bool:
    """Whether the digits of ``number`` pass the Luhn checksum (13 to 19 digits)."""
    digits = "".join(str(int(c)) for c in number if c.isdecimal())
    return 13 <= len(digits) <= 19 and luhn.is_valid(digits)


def iban_ok(candidate: str) -> bool:
    """Whether ``candidate`` is an IBAN: a known country's length and a valid mod-97 check.

    The national check digits inside the account number are not required: a real
    account whose bank uses a scheme python-stdnum does not know must still be found.
    """
    try:
        iban.validate(candidate, check_country=False)
    except ValidationError:
        return False
    return True


def find_cards(text: str) -> Iterator[Span]:
    """Card numbers: 13 to 19 digits passing Luhn, in groups or run together.

    A run of groups (``4917 6100 0000 0000 12 28``) is searched for its longest stretch
    of whole groups that is a card, so an expiry or a count typed right after the
    number does not hide it.
    """
    for run in _DIGIT_RUN.finditer(text):
        groups = list(_GROUP.finditer(run.group()))
        if len(groups) == 1 and not 13 <= len(groups[0].group()) <= 19:
            continue
        sums = _LuhnSums("".join(g.group() for g in groups))
        bounds, total = [], 0  # digit offsets where each group starts and ends
        for group in groups:
            bounds.append((total, total + len(group.group())))
            total += len(group.group())
        i = 0
        while i < len(groups):
            best = None
            for j in range(i, len(groups)):
                length = bounds[j][1] - bounds[i][0]
                if length > 19:
                    break
                if length >= 13 and sums.valid(bounds[i][0], bounds[j][1]):
                    best = j
            if best is None:
                i += 1
                continue
            yield "CARD", run.start() + groups[i].start(), run.start() + groups[best].end()
            i = best + 1


class _LuhnSums:
    """Luhn checks of any stretch of a digit string in constant time, from prefix sums.

    A group-by-group search over a long run of spaced digits ("1 2 3 4 ...", an
    obfuscation or a hostile ticket) checks thousands of stretches; summing each one
    again took 13 s on a 200 kB body, this takes a fraction of a second.
    """

    def __init__(self, digits: str) -> None:
        values = [int(c) for c in digits]
        doubled = [2 * v - 9 if v > 4 else 2 * v for v in values]
        # even[k]: digits at even offsets plain, odd offsets doubled; odd[k]: the reverse.
        self.even, self.odd = [0], [0]
        for k, (plain, double) in enumerate(zip(values, doubled, strict=True)):
            self.even.append(self.even[-1] + (plain if k % 2 == 0 else double))
            self.odd.append(self.odd[-1] + (double if k % 2 == 0 else plain))

    def valid(self, start: int, end: int) -> bool:
        """Whether digits ``start:end`` pass Luhn (the last digit is never doubled)."""
        sums = self.even if (end - 1) % 2 == 0 else self.odd
        return (sums[end] - sums[start]) % 10 == 0


_IBAN = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){11,30}")


def find_ibans(text: str) -> Iterator[Span]:
    """IBANs, upper or lower case, grouped by spaces or dashes or run together.

    The pattern may run into the next word (``... 3M02 606 changed``); the longest
    prefix that ends at a group boundary and validates is the IBAN.
    """
    for match in _IBAN.finditer(text):
        value = match.group()
        ends = [m.end() for m in re.finditer(r"[A-Za-z0-9]+", value)]
        if len(ends) == 1:  # run together: any length may be right
            ends = list(range(15, len(value) + 1))
        for end in sorted(ends, reverse=True):
            if end >= 15 and iban_ok(value[:end]) and not text[match.start() + end :][:1].isalnum():
                yield "IBAN", match.start(), match.start() + end
                break


_SSN_FORMATTED = re.compile(
    r"(?<![\w.,-])\d{3}(?:[ \-.\u00a0]\d{2}[ \-.\u00a0]?|\d{2}[ \-.\u00a0])\d{4}(?![\w-]|[.,]\d)"
)
_NINE_DIGITS = re.compile(r"(?<![\w.,/-])\d{9}(?![\w/-]|[.,]\d)")
_SSN_CUE = re.compile(
    r"(?i)(?:\bssn|\bss#|social[ -]?security|\bsocial\b|\bsoc\.? ?sec|seguro social|s[ée]curit[ée] sociale"
    r"|sozialversicherung)"
)
_OTHER_ID_CUE = re.compile(
    r"(?i)(?:\b(?:order|invoice|ticket|ref(?:erence)?|tracking|case|po|id|no|nr|n[º°o]|phone|tel(?:efon|éfono|éphone)?"
    r"|mobile?|m[oó]vil|handy|fax|pedido|factura|referencia|n[uú]mero de pedido|commande|facture|r[ée]f[ée]rence"
    r"|bestell(?:ung|nummer)?|rechnung|auftrag|kunden(?:nummer)?|vorgang|artikel(?:nummer)?|account|cuenta|compte|konto)|#)"
    r"\W{0,4}(?:\w+\W{1,3}){0,1}$"
)


def find_ssns(text: str) -> Iterator[Span]:
    """US social security numbers passing the issuing rules (no 000, 666 or 9xx area...).

    ``123-45-6789``, ``123 45 6789`` (or ``123-456789``) are SSNs wherever they appear; nine digits run
    together are one unless an order, invoice, phone... label stands just before them
    and no SSN label stands nearer.
    """
    for match in _SSN_FORMATTED.finditer(text):
        if ssn.is_valid(_ascii(re.sub(r"\D", "", match.group()))):
            yield "SSN", match.start(), match.end()
    for match in _NINE_DIGITS.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if not ssn.is_valid(_ascii(match.group())):
            continue
        other = _OTHER_ID_CUE.search(before)
        ssn_cues = [m.start() for m in _SSN_CUE.finditer(before)]
        # The nearer label wins: "my ssn 412678923 and my order 536221234".
        if other is None or (ssn_cues and ssn_cues[-1] > other.start()):
            yield "SSN", match.start(), match.end()


_IDNR = re.compile(r"(?<![\w.,-])(?:\d{2} \d{3} \d{3} \d{3}|\d{11})(?![\w-]|[.,]\d)")
_IDNR_CUE = re.compile(
    r"(?i)(?:steuer|idnr|identifikationsnummer|tax[ -]?id|tin)\W{0,4}(?:\w+\W{1,3}){0,3}$"
)
_DNI = re.compile(r"(?<![\w-])(?:\d{8}[ -]?[A-Za-z]|[XYZxyz][ -]?\d{7}[ -]?[A-Za-z])(?![\w-])")
_NIR = re.compile(
    r"(?<![\w.,-])[12378] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3}(?: ?\d{2})?(?![\w-]|[.,]\d)"
)


def find_national_ids(text: str) -> Iterator[Span]:
    """German tax ids (IdNr), Spanish DNI and NIE, French INSEE numbers (NIR).

    A German IdNr is eleven digits whose check digit holds; run together it counts
    only after a tax cue (``Steuer-ID``, ``IdNr``), since eleven-digit ids abound.
    """
    for match in _IDNR.finditer(text):
        compact = _ascii(match.group().replace(" ", ""))
        grouped = " " in match.group()
        before = text[max(0, match.start() - 40) : match.start()]
        if idnr.is_valid(compact) and (grouped or _IDNR_CUE.search(before)):
            yield "NATIONAL_ID", match.start(), match.end()
    for match in _DNI.finditer(text):
        compact = re.sub(r"[ -]", "", match.group()).upper()
        if dni.is_valid(compact) or nie.is_valid(compact):
            yield "NATIONAL_ID", match.start(), match.end()
    for match in _NIR.finditer(text):
        compact = match.group().replace(" ", "").upper()
        if len(compact) == 15 and nir.is_valid(compact):
            yield "NATIONAL_ID", match.start(), match.end()


def _ascii(digits: str) -> str:
    """Map any Unicode decimal digits (fullwidth, Arabic-Indic...) to ASCII ones."""
    return "".join(str(int(c)) if c.isdecimal() else c for c in digits)
