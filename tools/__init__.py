"""What the nodes call, one subpackage per trade.

triage (models and features), signals (what a ticket's words say), knowledge (the KB and
retrieval), safety (escaping and redaction), reply, delivery, accounts (plans and billing),
tickets (intake) and desk (SLA and teams); the shipped data lives in data/.
"""
