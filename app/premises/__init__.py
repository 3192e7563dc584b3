"""Premises and facilities: public catalogue and calendars, booking requests, seasonal allocation, administration.

Importing the package loads only the blueprint object, so services can use the pure helpers in it
(recurrence, rules, priority, tree, calendar); `app.premises.views` loads the routes.
"""
from flask import Blueprint

bp = Blueprint("premises", __name__, url_prefix="/lokaler")
