"""Pools as administrators set them up (criteria, forms) and as the public sees them (pages, status)."""
