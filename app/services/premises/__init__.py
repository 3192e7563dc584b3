"""Premises: the catalogue, bookings, occupancy, seasonal allocation, and the pure booking rules."""
