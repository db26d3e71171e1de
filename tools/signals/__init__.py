"""What a ticket's own words signal, beyond its category.

The text a ticket is judged on (quoted history and steering cut off, obfuscation undone),
its language, sentiment, troubleshooting entities, and the requests a person must approve or
handle first.
"""
