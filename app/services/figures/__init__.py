"""Figures: indicators computed by the database and the 360Giving open-data package."""
