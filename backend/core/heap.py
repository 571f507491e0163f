"""The garbage collector in a server process: what start-up loaded is set aside once.

A process loads the app once (its modules, the SQLAlchemy mappers and their compiled statements, the
OpenAPI document, the schemas) and keeps all of it until it exits: some 370,000 objects. Every full
collection walked them again, and a request that allocates a lot (a 10,000-operation sync push, a
large export) sets one off. `gc.freeze()` moves everything alive to a permanent generation the
collector no longer scans (Python's documentation recommends it after start-up, and before a fork so
the children share those pages). Nothing is lost: those objects were never going to be freed.

Measured in-process on SQLite (bench data, 300 submissions): 5.05 ms a submission before, 4.73 after.
"""

import gc


def freeze_loaded() -> int:
    """Collect once, then set aside every object alive now; returns how many were set aside."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
