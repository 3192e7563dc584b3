"""Public pages: the 360Giving file, the page explaining it, and the grants given per year and pool."""
from __future__ import annotations

import json

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _

from app import clock
from app.main.errors import render_error
from app.opendata import bp
from app.services.figures import opendata
from app.services.money import reporting


@bp.route("/aabne-data")
def about():
    return render_template("opendata/about.html", excluded=opendata.excluded_informal_count(),
                           prefix=opendata.identifier_prefix())


@bp.route("/aabne-data/360giving.json")
def package():
    data = opendata.build_package()
    if not data["grants"]:
        return render_error(404, _("Der er endnu ingen afgjorte bevillinger at offentliggøre."))
    errors = opendata.validation_errors(data)
    if errors:  # never publish a file that breaks the standard; the log says what to fix
        current_app.logger.error("360Giving export invalid: %s", errors[:20])
        return render_error(503, _("Filen kan ikke hentes lige nu. Prøv igen senere."))
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'inline; filename="360giving.json"', "Access-Control-Allow-Origin": "*"})


@bp.route("/stoette-givet")
def given():
    years = opendata.grant_years(clock.today())
    year = request.args.get("aar", type=int)
    status = 200
    if year not in years:
        status = 400 if "aar" in request.args else 200
        year = years[0]
    pools = opendata.grants_given(year)
    return render_template("opendata/given.html", years=years, year=year, pools=pools,
                           total=sum(p.total for p in pools), stories=reporting.published_stories()), status
