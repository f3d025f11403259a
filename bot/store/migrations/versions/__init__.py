"""The Alembic revisions, one module per schema change, numbered in order.

Offers nothing to import: Alembic loads each `v<rev>_*.py` by path.
"""
