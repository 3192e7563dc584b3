"""The law's order for seasonal allocation, and conflicts between wishes (pure functions)."""
from datetime import time

from app.services.premises.priority import WishFacts, WishTime, in_priority_order, wish_conflicts


def wish(i, age="adults", disabled=False, suited=False, approved=True, own=1, arrival=None):
    return WishFacts(i, age, disabled, suited, approved, own, arrival if arrival is not None else i)


def order(*wishes):
    return [w.wish_id for w in in_priority_order(wishes)]


def test_children_and_young_people_then_adult_education_then_adults():
    assert order(wish(1, "adults"), wish(2, "adult_education"), wish(3, "children_youth")) == [3, 2, 1]


def test_a_space_suited_for_disabled_users_goes_first_to_activities_for_them():
    assert order(wish(1, "children_youth", suited=True), wish(2, "adults", disabled=True, suited=True)) == [2, 1]


def test_activities_for_disabled_users_have_no_priority_in_an_ordinary_space():
    assert order(wish(1, "children_youth"), wish(2, "adults", disabled=True)) == [1, 2]


def test_approved_associations_before_others_in_the_same_group():
    assert order(wish(1, "children_youth", approved=False), wish(2, "children_youth")) == [2, 1]


def test_the_associations_own_priority_then_first_come():
    assert order(wish(1, own=2), wish(2, own=1)) == [2, 1]
    assert order(wish(1, arrival=5), wish(2, arrival=3)) == [2, 1]


def test_age_group_outranks_approval_and_own_priority():
    assert order(wish(1, "adults", approved=True, own=1), wish(2, "children_youth", approved=False, own=9)) == [2, 1]


def test_conflicts_follow_the_space_tree():
    parents = {10: None, 11: 10, 12: 10, 20: None}  # hall 10 with courts 11 and 12; room 20 elsewhere
    wishes = [WishTime(1, 10, 1, time(17), time(19)), WishTime(2, 11, 1, time(18), time(20)),
              WishTime(3, 12, 1, time(18), time(20)), WishTime(4, 11, 2, time(18), time(20)),
              WishTime(5, 20, 1, time(17), time(19)), WishTime(6, 11, 1, time(19), time(21))]
    clashes = wish_conflicts(wishes, parents)
    assert clashes[1] == {2, 3}  # the hall collides with both courts at 18-19 (wish 6 starts as it ends)
    assert clashes[2] == {1, 6}                     # same court later overlaps 19-20; court 3 is a sibling
    assert clashes[3] == {1}
    assert clashes[4] == set() and clashes[5] == set()
