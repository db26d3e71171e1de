"""Pull troubleshooting facts out of a ticket: HTTP codes, error rates, sizes, products."""

from __future__ import annotations

import re

_STATUS = re.compile(
    r"\b(?:HTTP|status|error|code)\s*([1-5]\d\d)\b|\b([45]\d\d)\s*(?:errors?|status|responses?|codes?"
    r"|unauthori[sz]ed|forbidden|not found|too many requests|internal server error|bad gateway"
    r"|service unavailable|gateway time-?out)\b",
    re.IGNORECASE,
)
_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_SIZE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(KB|MB|GB|TB)\b", re.IGNORECASE)
_PRODUCTS = {
    "api": r"\bapi\b|\bendpoint",
    "export": r"\bexport",
    "import": r"\bimport",
    "webhooks": r"\bwebhook",
    "sso": r"\bsso\b|\bsaml\b|single sign",
    "dashboards": r"\bdashboard|\breport(?:s|ing)?\b",
    "integrations": r"\bintegration",
    "mobile app": r"\bmobile\b|\bios\b|\bandroid\b",
    "billing": r"\bbilling|\binvoice|\bcharged?\b",
}


def extract_entities(text: str) -> dict[str, list[str]]:
    """Return the entities found, by kind; kinds with nothing found are left out."""
    found = {
        "http_status": sorted({a or b for a, b in _STATUS.findall(text)}),
        "error_rate": [f"{value}%" for value in _RATE.findall(text)],
        "data_size": [f"{n.replace(',', '.')} {unit.upper()}" for n, unit in _SIZE.findall(text)],
        "products": [name for name, pattern in _PRODUCTS.items() if re.search(pattern, text, re.I)],
    }
    return {kind: values for kind, values in found.items() if values}


def size_in_gb(size: str) -> float:
    """Convert an extracted size such as ``'2 GB'`` to gigabytes."""
    number, unit = size.split()
    factor = {"KB": 1e-6, "MB": 1e-3, "GB": 1.0, "TB": 1e3}[unit]
    return float(number) * factor
