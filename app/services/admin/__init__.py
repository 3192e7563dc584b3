"""Administrators' set-up: staff accounts, committees, letter settings, and the journal of every change."""
