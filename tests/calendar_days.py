"""The days a municipality's year can break a date-dependent app on: the clock is set to each in turn.

Times are Copenhagen wall-clock times. The two old demo deadlines (1 and 15 December) broke `make run`
the day after; the summer-time days have an hour that doesn't exist and one that happens twice.
"""
from datetime import datetime

DAYS = {
    "new-year": datetime(2027, 1, 1, 0, 30),
    "leap-day": datetime(2028, 2, 29, 12, 0),
    "midsummer": datetime(2027, 6, 30, 12, 0),
    "day-after-1-december": datetime(2026, 12, 2, 9, 0),
    "day-after-15-december": datetime(2026, 12, 16, 9, 0),
    "new-years-eve-23-30": datetime(2026, 12, 31, 23, 30),
    "summer-time-starts": datetime(2027, 3, 28, 3, 30),
    "summer-time-ends": datetime(2027, 10, 31, 2, 30),
}
# The days whose edges PostgreSQL's own date and time arithmetic meets (timestamptz against local calendar days:
# a year's first and last half hour, the 29th of February, the summer-time changes). The other days move the
# demo's own deadlines, which Python computes; the PostgreSQL pass checks every role's access on these only.
SQL_EDGE_DAYS = ("new-year", "leap-day", "new-years-eve-23-30", "summer-time-starts", "summer-time-ends")
# Days after the seed that pass each of the demo's own deadlines (see app/demo/pools.py), and a year on.
DAYS_AFTER_SEED = (4, 36, 81, 366)
