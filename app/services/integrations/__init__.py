"""Integrations with other systems: the API's clients and tokens (issue 22)."""
