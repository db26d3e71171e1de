"""What nodes call: classifiers, knowledge base, SLA clock, catalog, ledger, engines."""
