"""Public pages: front page, pools, accessibility statement."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.main import bp
from app.main.navigation import home_endpoint
from app.models import Pool


@bp.route("/")
def index():
    pools = db.session.scalars(
        db.select(Pool).where(Pool.is_published.is_(True)).order_by(Pool.deadline.is_(None), Pool.deadline, Pool.name)
    ).all()
    return render_template("main/index.html", pools=pools)


@bp.route("/puljer")
def pools():
    pools = db.session.scalars(
        db.select(Pool).where(Pool.is_published.is_(True)).order_by(Pool.name)
    ).all()
    return render_template("main/pools.html", pools=pools)


@bp.route("/hjem")
@login_required
def home():
    return redirect(url_for(home_endpoint(current_user)))


@bp.route("/tilgaengelighed")
def accessibility():
    return render_template("main/accessibility.html")
