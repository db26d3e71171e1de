"""The consoles every command prints to: results on stdout, problems on stderr.

Piped output (CI logs, `make demo`, files) gets 140 columns instead of Rich's default
80, so the run and history tables stay readable. Emoji codes are off: a ticket's
``:smile:`` stays text (markup and control characters are escaped by tools/safety/escape.py).
"""

from __future__ import annotations

import sys

from rich.console import Console

_PIPED_WIDTH = 140

console = Console(width=None if sys.stdout.isatty() else _PIPED_WIDTH, emoji=False)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else _PIPED_WIDTH, emoji=False)
