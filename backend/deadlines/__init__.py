"""时限: time limits per stage (per district where it differs) and the working-day calendar."""
