"""Offline sync of instructions and inspections: pull by change sequence, push of idempotent operations."""
