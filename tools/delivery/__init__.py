"""Outward effects and their delivery.

Outbox messages with idempotency keys, the relay that delivers them effectively once, and
team notifications through webhooks.
"""
