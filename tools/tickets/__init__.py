"""Tickets coming in: files, validation and big bodies.

Ticket files cut into records read one by one, validation of each ticket, and big bodies
kept in a blob store by hash, out of the checkpoints.
"""
