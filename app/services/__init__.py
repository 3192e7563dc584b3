"""Use cases, one package per area. A service that changes data is a `@use_case` (unit_of_work.py):
the outermost one commits once; nothing else commits or rolls back."""
