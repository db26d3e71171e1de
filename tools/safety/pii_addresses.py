"""Find street addresses written in English, German, Spanish or French.

The libraries that find addresses offline cover one country's style each (pyap: US,
Canada and UK, unmaintained since 2020; usaddress: parses a US address you already
have; libpostal needs a 2 GB model), so addresses are found by their street: a house
number next to a street type ("742 Evergreen Terrace", "12 rue de la Paix",
"Hauptstraße 12", "Calle Mayor 5", "Am Stadtpark 3"), then whatever follows and belongs
to it (flat, postcode and city: ", Apt 4B, Denver, CO 80203", ", 10115 Berlin",
", London NW1 6XE"). A form field labelled as an address ("Adresse :", "PLZ/Ort:")
counts whole when it holds a number. See docs/pii_eval.md for the measurements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Span = tuple[str, int, int]

_UP = r"[A-ZÀ-ÖØ-Þ]"
_CAP = rf"{_UP}[\w'’\-]*\.?"  # a capitalised word: Evergreen, Pennsylvania, Gran, Vía, St.
_CITY = rf"{_UP}[\w'’\-]*"  # no dot: "Madrid. Please" ends at Madrid
_NUM = r"\d{1,5}(?:[ ]?[A-Za-z](?![\w']))?(?:[-/]\d{1,4})?"  # 12, 7a, 221B, 12-14
_PARTICLE = (
    r"(?:de la|de las|de los|de l['’]|del|de|des|du|d['’]|la|le|les|sur|sous|en|der|den|am|an|y)"
)

_EN_TYPES = (
    r"Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|Ct\.?"
    r"|Place|Pl\.?|Terrace|Square|Sq\.?|Close|Crescent|Parkway|Pkwy\.?|Highway|Hwy\.?|Row|Mews|Gardens|Walk"
)
_FR_TYPES = r"rue|avenue|av\.|boulevard|bd\.?|place|pl\.|chemin|allée|impasse|quai|route|cours|square|passage|voie|cité"
_ES_TYPES = (
    r"Calle|C/|Cl\.|Avenida|Avda\.?|Av\.|Plaza|Pza\.|Paseo|Pº|Camino|Carretera|Ctra\.|Ronda|Travesía"
    r"|Carrer|Passeig|Plaça|Vía|Rambla|Glorieta|Callejón|Costanilla"
)
# Not -ring, -berg, -hof, -park: "Spring 2026", "Nürnberg 2026" are no streets.
_DE_SUFFIX = r"(?:straße|strasse|str\.|weg|allee|platz|gasse|damm|ufer|chaussee|steig|pfad)"
_DE_PREP = (
    r"(?:Am|An der|An den|Im|In der|In den|Auf der|Auf dem|Zum|Zur|Unter den|Hinter der|Vor dem)"
)

_STREET = (
    # 742 Evergreen Terrace · 1600 Pennsylvania Avenue NW · 221B Baker Street
    rf"(?<![\w.,]){_NUM},?[ ](?:{_CAP}[ ]){{1,4}}(?:{_EN_TYPES})(?![\w])(?:[ ](?:NW|NE|SW|SE|N|S|E|W)\b)?"
    # 12 rue de la Paix · 8 avenue Victor Hugo · 27 chemin des Vignes
    rf"|(?<![\w.,]){_NUM},?[ ](?i:{_FR_TYPES})[ ](?:{_PARTICLE}[ ]?)?{_CAP}(?:[ ](?:{_PARTICLE}[ ]?)?{_CAP}){{0,3}}"
    # Hauptstraße 12 · Goethestr. 45 · Alte Poststraße 5 · Am Stadtpark 3
    rf"|(?<![\w])(?:{_CAP}[ ])?{_UP}[\w\-]*{_DE_SUFFIX}[ ]?{_NUM}(?![\w])"
    # Am Stadtpark 3, 20095 Hamburg: only with its postcode ("Im Juni 2026" is no street)
    rf"|(?<![\w]){_DE_PREP}[ ]{_CAP}(?:[ ]{_CAP})?[ ]{_NUM}(?=,?[ ]\d{{5}}[ ]{_UP})"
    # Calle Mayor 5 · Avenida de la Constitución 22 · C/ Gran Vía 28, 3º izq.
    rf"|(?<![\w])(?:{_ES_TYPES})[ ]?(?:{_PARTICLE}[ ])?{_CAP}(?:[ ](?:{_PARTICLE}[ ])?{_CAP}){{0,3}}"
    rf",?[ ](?:n[º°o]\.?[ ]?|núm\.[ ]?)?{_NUM}"
    rf"(?:,?[ ]\d{{1,2}}[º°ª](?:[ ]?[a-záéíóú]+\.?)?)?"
)
_TAIL = (
    r"(?:,?[ ](?:Apt\.?|Apartment|Suite|Unit|Flat|Wohnung|Whg\.|piso|puerta|bâtiment|bât\.|appartement|appt\.?)[ ]?\w{1,5})?"
    r"(?:"
    # , 10115 Berlin · , 75002 Paris · , 8001 Zürich · , 13100 Aix-en-Provence
    rf",?[ ](?:[A-Z]{{1,2}}-)?\d{{4,5}}[ ]{_CITY}(?:[ ]{_CITY})?"
    # , Springfield, IL 62704 · , Washington, DC 20500
    rf"|,[ ]{_CITY}(?:[ ]{_CITY})?,[ ][A-Z]{{2}}[ ]\d{{5}}(?:-\d{{4}})?"
    # , London NW1 6XE
    rf"|,[ ]{_CITY}[ ][A-Z]{{1,2}}\d[A-Z\d]?[ ]\d[A-Z]{{2}}"
    r")?"
)
_ADDRESS = re.compile(rf"(?:{_STREET}){_TAIL}")
_LABELLED = re.compile(
    r"(?im)^[ \t]*(?:address|home address|street|city|adresse|anschrift|straße|strasse|plz/ort|ort|wohnort"
    r"|dirección|direccion|domicilio|calle|ciudad|localidad|ville|rue)[ \t]*:[ \t]*(?P<value>[^\n]*\d[^\n]*)$"
)
_POSTCODE_CITY = re.compile(
    rf"(?:[A-Z]{{1,2}}-)?\d{{4,5}}[ ]{_CITY}(?:[ ]{_CITY})?|{_CITY}[ ][A-Z]{{1,2}}\d[A-Z\d]?[ ]\d[A-Z]{{2}}"
)


def find_addresses(text: str) -> Iterator[Span]:
    """Street addresses with their flat, postcode and city when they follow."""
    for match in _ADDRESS.finditer(text):
        yield "ADDRESS", match.start(), match.end()
    for match in _LABELLED.finditer(text):
        value = match.group("value").rstrip(" \t.")
        if _POSTCODE_CITY.search(value) or _ADDRESS.search(value):
            start = match.start("value")
            yield "ADDRESS", start, start + len(value)
