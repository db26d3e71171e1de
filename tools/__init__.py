"""What the nodes call, one subpackage per trade.

triage (models and features), signals (what a ticket's words say), knowledge (the KB and
retrieval), safety (escaping and redaction), reply, delivery, accounts (plans and billing),
tickets (intake) and desk (SLA and teams); the shipped data lives in data/.
"""

from importlib import resources
from pathlib import Path


def shipped_data(name: str) -> Path:
    """A file or folder shipped in ``tools/data/`` (``name`` relative to it)."""
    return Path(str(resources.files("supportgraph.tools").joinpath(f"data/{name}")))


def data_text(path: Path | None, shipped: str) -> str:
    """The text of the file at ``path``, or of the shipped ``shipped`` when ``path`` is None.

    Raises:
        FileNotFoundError: ``path`` does not exist (callers name the setting).
    """
    return (path or shipped_data(shipped)).read_text(encoding="utf-8")
