"""The CVR register: Erhvervsstyrelsen's system-to-system access (Elasticsearch `_search` over
`cvr-permanent/virksomhed`, HTTP Basic). We read a company's newest name, address, form, status and the
people in its management; `parse` is pure, `lookup` does the one HTTP call."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

# sammensatStatus values that mean the company no longer exists (Erhvervsstyrelsen's own spelling, upper-cased).
CEASED_STATUSES = ("OPHØRT", "OPLØST", "TVANGSOPLØST", "SLETTET")
# The management bodies (organisationer[].hovedtype) whose members are the "board" for our purposes.
MANAGEMENT_TYPES = ("LEDELSESORGAN", "DIREKTION", "BESTYRELSE")


class RegisterUnavailable(Exception):
    """The register did not answer usefully: timeout, refused, an HTTP error or JSON we cannot read."""


@dataclass(frozen=True)
class BoardMember:
    """A person in the management, with the register's FUNKTION (e.g. FORMAND, BESTYRELSESMEDLEM)."""

    name: str
    role: str


@dataclass(frozen=True)
class RegisterEntry:
    """What the register says about one CVR number, newest values only."""

    cvr: str
    name: str
    street: str | None
    postcode: str | None
    city: str | None
    company_form: str | None
    status: str | None
    ceased: bool
    board: tuple[BoardMember, ...] = ()

    def snapshot(self) -> dict:
        """The entry as JSON-able data, the shape kept on the association and in a change to review."""
        data = asdict(self)
        data["board"] = [[m["name"], m["role"]] for m in data["board"]]
        return data


def is_configured() -> bool:
    """True when the municipality has named the register's endpoint (else registration works without it)."""
    return bool(current_app.config.get("CVR_REGISTER_URL"))


def lookup(cvr: str) -> RegisterEntry | None:
    """The register's entry for `cvr`, None when it has none; raises RegisterUnavailable."""
    import requests  # on first use: ~40 ms less for every process's start
    config = current_app.config
    query = {"_source": ["Vrvirksomhed"], "size": 1,
             "query": {"term": {"Vrvirksomhed.cvrNummer": int(cvr)}}}
    auth = (config["CVR_REGISTER_USER"] or "", config["CVR_REGISTER_PASSWORD"] or "")
    seconds = float(config["CVR_REGISTER_TIMEOUT_SECONDS"])
    try:
        response = requests.post(config["CVR_REGISTER_URL"], json=query, auth=auth, timeout=seconds)
        response.raise_for_status()
        return parse(response.json())
    except (requests.RequestException, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise RegisterUnavailable(str(exc)) from exc


def parse(document: object) -> RegisterEntry | None:
    """The first hit of a `_search` answer as a RegisterEntry; None for no hits; ValueError when malformed."""
    try:
        hits = document["hits"]["hits"]  # type: ignore[index]
        if not hits:
            return None
        company = hits[0]["_source"]["Vrvirksomhed"]
        meta = company["virksomhedMetadata"]
        status = meta.get("sammensatStatus")
        address = meta.get("nyesteBeliggenhedsadresse") or {}
        form = meta.get("nyesteVirksomhedsform") or {}
        return RegisterEntry(
            cvr=str(company["cvrNummer"]).zfill(8), name=meta["nyesteNavn"]["navn"].strip(),
            street=_street(address), postcode=str(address["postnummer"]) if address.get("postnummer") else None,
            city=address.get("postdistrikt"), company_form=form.get("langBeskrivelse") or form.get("kortBeskrivelse"),
            status=status, ceased=is_ceased(status), board=_board(company.get("deltagerRelation") or []))
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a CVR search answer: {exc!r}") from exc


# The register's status codes in words, for people ("OPLØSTEFTERFRIVILLIGLIKVIDATION").
STATUS_IN_WORDS = {
    "OPLØSTEFTERFRIVILLIGLIKVIDATION": _l("opløst efter frivillig likvidation"),
    "OPLØSTEFTERKONKURS": _l("opløst efter konkurs"),
    "OPLØSTEFTERFUSION": _l("opløst efter fusion"),
    "OPLØSTEFTERSPALTNING": _l("opløst efter spaltning"),
    "OPLØSTEFTERERKLÆRING": _l("opløst efter erklæring"),
    "TVANGSOPLØST": _l("tvangsopløst"),
    "UNDERKONKURS": _l("under konkurs"),
    "UNDERFRIVILLIGLIKVIDATION": _l("under frivillig likvidation"),
    "SLETTET": _l("slettet"),
    "OPHØRT": _l("ophørt"),
    "AKTIV": _l("aktiv"),
    "NORMAL": _l("aktiv"),
}


def status_in_words(status: str | None) -> str:
    """A status as a sentence can use it: known codes in words, others as the register wrote them, in lower case."""
    if not status:
        return ""
    words = STATUS_IN_WORDS.get(status.upper().replace(" ", ""))
    return str(words) if words else status.lower()


def is_ceased(status: str | None) -> bool:
    """True for a sammensatStatus such as "Ophørt" or "OPLØSTEFTERFRIVILLIGLIKVIDATION"."""
    return bool(status) and status.upper().replace(" ", "").startswith(CEASED_STATUSES)


def _street(address: dict) -> str | None:
    number = "".join(str(address.get(k) or "") for k in ("husnummerFra", "bogstavFra"))
    floor = ", ".join(str(address[k]) for k in ("etage", "sidedoer") if address.get(k))
    street = " ".join(part for part in (address.get("vejnavn"), number) if part)
    return (f"{street}, {floor}" if floor else street) or None


def _current(periods: list[dict]) -> list[dict]:
    """The entries whose period is still open (gyldigTil null)."""
    return [p for p in periods if not (p.get("periode") or {}).get("gyldigTil")]


def _board(relations: list[dict]) -> tuple[BoardMember, ...]:
    members = []
    for relation in relations:
        names = _current(relation["deltager"].get("navne") or []) or relation["deltager"].get("navne") or []
        if not names:
            continue
        for organisation in relation.get("organisationer") or []:
            if organisation.get("hovedtype") not in MANAGEMENT_TYPES:
                continue
            for data in organisation.get("medlemsData") or []:
                for attribute in data.get("attributter") or []:
                    if attribute.get("type") == "FUNKTION":
                        members += [BoardMember(names[-1]["navn"], v["vaerdi"]) for v in _current(attribute["vaerdier"])]
    return tuple(sorted(set(members), key=lambda m: (m.role, m.name)))
