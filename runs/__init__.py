"""Tickets run against a checkpoint store.

Batches and resumes under each ticket's lease, the review inbox, a ticket's history and
replays, retention, and the outcome evaluation. graph/ defines the graph and checkpoints/
the stores; this package is the one that brings them together.
"""
