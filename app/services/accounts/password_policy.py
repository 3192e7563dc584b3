"""Which passwords we accept: long enough, not a well-known password, not the person's own name or address.

The common-password list is zxcvbn's frequency list (30,000 passwords from real leaks), plus a few
Danish favourites it lacks; zxcvbn's own estimate also refuses keyboard walks, repeats and sequences.
"""
from __future__ import annotations

import re
from functools import lru_cache

from flask_babel import LazyString, lazy_gettext as _l

# zxcvbn reads at most this many characters; anything past it only makes a password stronger.
ZXCVBN_MAX = 72
# zxcvbn score 0-4; 0 and 1 mean fewer than a million guesses.
MIN_SCORE = 2
# Danish words that head the leaked-password lists in Denmark; with digits or signs added they are no better.
DANISH_COMMON = frozenset({
    "adgangskode", "kodeord", "password", "hemmelig", "hemmeligt", "velkommen", "sommer", "vinter", "foraar",
    "forår", "efteraar", "efterår", "danmark", "kobenhavn", "københavn", "kommune", "forening", "fodbold",
    "kodeordet", "minkode", "min-kode", "skiftmig", "aendremig", "ændremig", "qwertyuiopå", "asdfghjklæø",
})
_EDGE = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SPLIT = re.compile(r"[\s._+\-]+")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's leaked-password list in lower case, with the Danish additions (loaded once, on first use)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"]) | DANISH_COMMON


def _is_common(password: str) -> bool:
    lowered = password.lower()
    core = _EDGE.sub("", lowered)  # 'Sommer2024!' and '!!password123' count as their word
    return lowered in common_passwords() or core in common_passwords()


def _too_guessable(password: str) -> bool:
    from zxcvbn import zxcvbn
    return zxcvbn(password[:ZXCVBN_MAX])["score"] < MIN_SCORE


def personal_words(email: str | None, name: str | None) -> set[str]:
    """The parts of a person's address and name that must not be in their password."""
    words: set[str] = set()
    local = (email or "").strip().lower().split("@", 1)[0]
    if len(local) >= 3:
        words.add(local)
    name = (name or "").strip().lower()
    if len(name) >= 3:
        words.add(re.sub(r"\s+", "", name))
    # Single pieces only from four letters on: 'ole' or 'an' would rule out too much.
    words.update(piece for piece in _SPLIT.split(f"{local} {name}") if len(piece) >= 4)
    return words


def _contains_personal(password: str, email: str | None, name: str | None) -> bool:
    lowered = password.lower()
    squeezed = re.sub(r"[\W_]+", "", lowered)
    return any(word in lowered or re.sub(r"[\W_]+", "", word) in squeezed
               for word in personal_words(email, name) if re.sub(r"[\W_]+", "", word))


def problem(password: str, *, min_length: int, email: str | None = None,
            name: str | None = None) -> LazyString | None:
    """The Danish reason `password` is refused, or None when it is acceptable."""
    password = password or ""
    if len(password) < min_length:
        return _l("Adgangskoden skal have mindst %(n)s tegn.", n=min_length)
    if _contains_personal(password, email, name):
        return _l("Adgangskoden må ikke indeholde din e-mailadresse eller dit navn.")
    if _is_common(password):
        return _l("Adgangskoden er for almindelig. Vælg en anden.")
    if _too_guessable(password):
        return _l("Adgangskoden er for let at gætte. Brug fx tre-fire tilfældige ord med bindestreg imellem.")
    return None
