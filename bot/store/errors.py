"""The errors the store raises on purpose."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of errors the store raises on purpose."""


class DuplicateWatchError(StoreError):
    """The subscriber already watches exactly this query."""


class SchemaTooNewError(StoreError):
    """The database was migrated by a newer version of the bot than this one."""
