"""Premises: catalogue, calendar, bookings, seasonal allocation, no double booking."""
