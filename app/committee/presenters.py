"""What the meeting page shows, loaded in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.extensions import db
from app.models import AgendaItem, Assessment, Meeting, User
from app.services.cases.guard import case_conflicts
from app.services.committee import meetings

try:  # the caseworker's assessment gives a weighted score; without it the page shows a dash
    from app.services.cases.assessment import score_label, score_of
except ImportError:  # pragma: no cover - depends on the assessment module being installed
    score_of = score_label = None


@dataclass
class AgendaRow:
    """One case on the agenda as the page shows it."""

    item: AgendaItem
    score: str = "–"
    recommendation: str = ""
    inhabil_names: list[str] = field(default_factory=list)
    viewer_inhabil: bool = False
    form: object = None


def _assessments(case_ids: list[int]) -> dict[int, Assessment]:
    if not case_ids:
        return {}
    rows = db.session.scalars(db.select(Assessment).where(Assessment.case_id.in_(case_ids))
                              .options(db.selectinload(Assessment.scores))).all()
    return {a.case_id: a for a in rows}


def _conflicts(case_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    out: dict[int, list[tuple[int, str]]] = {}
    if not case_ids:
        return out
    pairs = case_conflicts(case_ids)
    names = dict(db.session.execute(db.select(User.id, User.full_name).where(User.id.in_({u for _c, u in pairs}))).all())
    for case_id, user_id in sorted(pairs):
        out.setdefault(case_id, []).append((user_id, names[user_id]))
    return out


def _score(assessment: Assessment | None) -> str:
    if score_of is None or assessment is None:
        return "–"
    return score_label(score_of(assessment))


def agenda_rows(meeting: Meeting, viewer: User) -> tuple[list[AgendaRow], list[meetings.BudgetLine]]:
    """The agenda with scores, recommendations and inhabil members, and the budget per pool."""
    items = meetings.items_of(meeting.id)
    ids = [i.case_id for i in items]
    assessments, conflicts = _assessments(ids), _conflicts(ids)
    rows = []
    for item in items:
        found = assessments.get(item.case_id)
        people = conflicts.get(item.case_id, [])
        rows.append(AgendaRow(item=item, score=_score(found), recommendation=found.recommendation if found else "",
                              inhabil_names=[name for _, name in people],
                              viewer_inhabil=any(uid == viewer.id for uid, _ in people)))
    return rows, meetings.budget_lines(items)
