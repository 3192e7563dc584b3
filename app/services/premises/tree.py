"""The space tree as pure functions over {space_id: parent_id}: who blocks whom."""
from __future__ import annotations

from collections.abc import Mapping


def ancestors(parents: Mapping[int, int | None], space_id: int) -> list[int]:
    """The space's parent, grandparent, ... (nearest first); stops on a cycle."""
    out: list[int] = []
    current = parents.get(space_id)
    while current is not None and current not in out and current != space_id:
        out.append(current)
        current = parents.get(current)
    return out


def descendants(parents: Mapping[int, int | None], space_id: int) -> list[int]:
    """Every space nested (at any depth) inside `space_id`."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    out: list[int] = []
    stack = list(children.get(space_id, []))
    while stack:
        current = stack.pop()
        if current in out or current == space_id:
            continue
        out.append(current)
        stack.extend(children.get(current, []))
    return sorted(out)


def holds(parents: Mapping[int, int | None], space_id: int) -> list[tuple[int, int | None]]:
    """The occupancy rows a booking of `space_id` writes: (space, part) with part None for a full hold."""
    full = [(space_id, None)] + [(d, None) for d in descendants(parents, space_id)]
    return full + [(a, space_id) for a in ancestors(parents, space_id)]


def holds_collide(part_a: int | None, part_b: int | None) -> bool:
    """Two holds on the same space at the same time collide unless both are partial for different parts."""
    return part_a is None or part_b is None or part_a == part_b


def would_cycle(parents: Mapping[int, int | None], space_id: int, new_parent: int | None) -> bool:
    """True when making `new_parent` the parent of `space_id` would put a space inside itself."""
    if new_parent is None:
        return False
    return new_parent == space_id or new_parent in descendants(parents, space_id)


def related(parents: Mapping[int, int | None], space_id: int) -> set[int]:
    """The space, its ancestors and its descendants: every space whose use blocks this one."""
    return {space_id, *ancestors(parents, space_id), *descendants(parents, space_id)}
