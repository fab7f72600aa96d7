"""Peaceful assemblies (electoral-rules §9): notifications and approval requests checked
against the law of the day and the places the city's maslikhat set, their answer deadlines on
the working-day calendar, their lifecycle and the overlaps a calendar flags."""
