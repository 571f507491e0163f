"""The audit trail: one row per change of state, written in the same transaction."""
