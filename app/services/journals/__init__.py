"""Journals everything else writes to: who changed the set-up (audit) and who read whose data (read log)."""
