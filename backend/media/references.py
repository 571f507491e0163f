"""Who refers to stored files. Media knows no domain above it: each owner of stored files registers
its folders of the store and how to find the keys it refers to, and storage clean-up (cleanup.py)
asks this registry. A folder nobody registered is never pruned.

    references.register("declaration attachments", folders={"declarations"},
                        all_keys=..., refers_to=...)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa


@dataclass(frozen=True)
class Reference:
    """One kind of row that refers to stored files."""

    name: str
    folders: frozenset[str]
    all_keys: Callable[[], Iterable[str]]  # every key referred to now (read in the caller's transaction)
    refers_to: Callable[[str], sa.Select | None]  # a query with a row while `key` is referred to


_REFERENCES: dict[str, Reference] = {}


def register(
    name: str,
    *,
    folders: Iterable[str],
    all_keys: Callable[[], Iterable[str]],
    refers_to: Callable[[str], sa.Select | None],
) -> None:
    """Declare that rows of `name` refer to files under `folders` (registering a name again replaces it)."""
    _REFERENCES[name] = Reference(name, frozenset(folders), all_keys, refers_to)


def registered() -> list[Reference]:
    """Every registered kind of reference, in the order registered."""
    return list(_REFERENCES.values())


def prunable_folders() -> frozenset[str]:
    """Top-level folders of the store whose files some registered owner accounts for."""
    return frozenset().union(*(reference.folders for reference in _REFERENCES.values()))
