"""Untrusted text made safe: escaped for each medium, personal data redacted.

Escaping for the console, markdown, email headers and shell commands, and redaction of
personal data and secrets (numbers, names, addresses) before text is stored, reported or
drafted.
"""
