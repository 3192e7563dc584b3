"""Starting an application from a pool: which association applies, may it apply, is there a draft already."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.access import get_membership_or_404
from app.applying import bp
from app.applying.forms import StartForm
from app.auth.access import require_member
from app.extensions import db
from app.models import Association, Case, Membership, Pool
from app.services.applying import applications
from app.services.pools import forms as form_setup
from app.services.cases.core import accepts_applications
from app.services.applying.eligibility import closed_reason, declaration_valid_on, eligibility_problems, pool_requires_approval
from app.services.applying.pool_pages import is_premises_pool, published_pool


@dataclass
class Candidate:
    """One of the member's associations as the start page shows it."""

    association: Association
    problems: list
    draft: Case | None
    fixes: list = field(default_factory=list)  # (label, url) where the problems are fixed

    @property
    def may_start(self) -> bool:
        return self.draft is not None or not self.problems


def _fixes(a: Association, pool: Pool, today: date) -> list[tuple[str, str]]:
    out = []
    if pool_requires_approval(pool) and not a.is_informal and not a.approved_for(pool.year):
        out.append((_("Bed om godkendelse som folkeoplysende forening"),
                    url_for("portal.association", association_id=a.id, _anchor="godkendelse")))
    if pool.requires_child_certificate and a.works_with_children and not declaration_valid_on(a, today):
        out.append((_("Afgiv børneattest-erklæringen"), url_for("portal.declaration", association_id=a.id)))
    return out


def candidates(pool: Pool, today: date) -> list[Candidate]:
    """The member's associations with their reasons not to apply, their draft and where to fix things."""
    memberships = db.session.scalars(
        db.select(Membership).where(Membership.user_id == current_user.id)
        .options(db.joinedload(Membership.association).selectinload(Association.approvals)).order_by(Membership.id))
    out = []
    for m in memberships:
        a = m.association
        out.append(Candidate(a, eligibility_problems(a, pool, today), applications.open_draft(a.id, pool.id),
                             _fixes(a, pool, today)))
    return out


def _page(pool: Pool, form: StartForm, found: list[Candidate], status: int = 200):
    has_form = form_setup.latest_published(pool.id) is not None
    return render_template("applying/start.html", pool=pool, form=form, candidates=found, has_form=has_form,
                           ready=[c for c in found if c.may_start]), status


@bp.route("/ny/<slug>", methods=["GET", "POST"])
@require_member
def start(slug: str):
    pool = published_pool(slug)
    if pool is None:
        if is_premises_pool(slug):  # premises are asked for on their own pages, not with a pool's form
            return redirect(url_for("premises.catalogue_page"))
        abort(404)
    today = clock.today()
    if not accepts_applications(pool, today):  # closed or not open yet: say so once, offer no start button
        return render_template("applying/start.html", pool=pool, closed_reason=closed_reason(pool, today))
    found = candidates(pool, today)
    form = StartForm(associations=[c.association for c in found if c.may_start])
    if len(form.association_id.choices) == 1 and not form.association_id.data:
        form.association_id.data = form.association_id.choices[0][0]
    if not form.validate_on_submit():
        return _page(pool, form, found)
    association = get_membership_or_404(form.chosen_id()).association
    try:
        started = applications.start(pool.id, association.id, current_user, today)
    except applications.NotEligible as exc:
        form.association_id.errors = [str(p) for p in exc.problems]
        return _page(pool, form, candidates(pool, today))
    except applications.NoForm:
        flash(_("Puljen har ikke et ansøgningsskema endnu. Kontakt kommunen for at søge."), "error")
        return _page(pool, form, found)
    if not started.created:
        flash(_("%(name)s har allerede en kladde til puljen. Fortsæt den her.", name=association.name), "info")
        return redirect(url_for("applying.resume", case_id=started.case.id))
    return redirect(url_for("applying.step", case_id=started.case.id, number=1))
