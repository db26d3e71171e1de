"""Plans, customers and billing: what the success node checks.

The plan catalog, the customer directory and sender verification, the billing ledger, and
the refunds already sent per charge.
"""
