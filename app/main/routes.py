"""Public pages: front page, pools, accessibility statement."""
from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext
from markupsafe import Markup
from flask_login import current_user, login_required

from app import clock
from app.main import bp
from app.main.navigation import home_endpoint
from app.services.applying.pool_pages import is_premises_pool, public_listing
from workflows import registry, to_outline, to_svg


@bp.route("/")
def index():
    return render_template("main/index.html", groups=public_listing(clock.today()))


@bp.route("/puljer")
def pools():
    return render_template("main/pools.html", groups=public_listing(clock.today()))


@bp.route("/puljer/<slug>")
def pool_detail(slug: str):
    """A published pool: purpose, who may apply, criteria, budget, deadline, rules, eligibility check, form."""
    from flask import request
    from app.services.applying.pool_pages import public_view
    page = public_view(slug, request.args)
    if page is None:
        if is_premises_pool(slug):  # an old link to premises "as a pool": they have their own pages
            return redirect(url_for("premises.catalogue_page"), 301)
        abort(404)
    return render_template("main/pool_detail.html", **page)


@bp.route("/hjem")
@login_required
def home():
    return redirect(url_for(home_endpoint(current_user)))


@bp.route("/tilgaengelighed")
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/sagsgange")
def workflows_index():
    return render_template("main/workflows.html", workflows=registry.all())


@bp.route("/sagsgange/<name>")
def workflow(name: str):
    try:
        wf = registry.get(name)
    except registry.UnknownWorkflow:
        abort(404)
    svg = Markup(to_svg(wf, label=gettext))  # nosec B704 # to_svg escapes every text it draws
    return render_template("main/workflow.html", workflow=wf, svg=svg, outline=to_outline(wf, label=gettext))
