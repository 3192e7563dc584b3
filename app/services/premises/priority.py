"""The law's order for seasonal allocation (folkeoplysningsloven §§ 21-22), as pure functions.

1. A space suited for disabled users goes first to activities for disabled users.
2. Then activities for children and young people, then adult education, then adults.
3. Then approved associations before others, then the association's own priority, then first come.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time

from app.services.premises.tree import related

AGE_RANK = {"children_youth": 0, "adult_education": 1, "adults": 2}


@dataclass(frozen=True)
class WishFacts:
    """What the ordering reads about one wish."""

    wish_id: int
    age_group: str
    for_disabled: bool
    space_disabled_suited: bool
    association_approved: bool
    own_priority: int
    arrival: int  # smaller arrived first


def priority_key(wish: WishFacts) -> tuple:
    """Sort key: smaller comes first."""
    disabled_first = 0 if (wish.space_disabled_suited and wish.for_disabled) else 1
    return (disabled_first, AGE_RANK.get(wish.age_group, len(AGE_RANK)),
            0 if wish.association_approved else 1, wish.own_priority, wish.arrival, wish.wish_id)


def in_priority_order(wishes: Iterable[WishFacts]) -> list[WishFacts]:
    """The wishes in the order they are allocated."""
    return sorted(wishes, key=priority_key)


@dataclass(frozen=True)
class WishTime:
    """Where and when a wish wants to be every week."""

    wish_id: int
    space_id: int
    weekday: int
    start: time
    end: time


def wish_conflicts(wishes: Iterable[WishTime], parents: Mapping[int, int | None]) -> dict[int, set[int]]:
    """For each wish, the other wishes it cannot share the week with (same or nested space, same time)."""
    wishes = list(wishes)
    blocking = {w.space_id: related(parents, w.space_id) for w in wishes}
    out: dict[int, set[int]] = {w.wish_id: set() for w in wishes}
    for i, a in enumerate(wishes):
        for b in wishes[i + 1:]:
            if a.weekday == b.weekday and a.start < b.end and b.start < a.end and b.space_id in blocking[a.space_id]:
                out[a.wish_id].add(b.wish_id)
                out[b.wish_id].add(a.wish_id)
    return out
