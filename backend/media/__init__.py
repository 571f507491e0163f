"""Photos as evidence: checked, hashed, kept untouched, with display and thumbnail derivatives."""
