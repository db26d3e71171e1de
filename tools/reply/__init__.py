"""Replies to the customer, and the audit of what was sent.

What a reply says (its plan), the macros per language that render it, salutations, the
internal notes kept apart from it, and the reply audit with its markers.
"""
