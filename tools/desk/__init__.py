"""The support desk's own rules, in files it edits.

SLA deadlines per priority, the teams a ticket can be handed to and where they are notified,
and the short durations (15m, 2h) these files are written in.
"""
