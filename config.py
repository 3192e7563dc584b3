"""Configuration classes. Nothing here reads the environment at import time."""
from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta

DEV_SECRET_KEY = "dev-not-secret"
# Links in development when PUBLIC_BASE_URL is not set and there is no request (app/services/delivery/links.py).
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:5000"


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL: str | None = None
    CELERY: dict = {
        "broker_url": "memory://",
        "result_backend": None,
        "task_always_eager": True,  # embedded default: tasks run in process
        "task_eager_propagates": False,
        "task_ignore_result": True,
        "task_acks_late": True,  # a killed worker leaves the message for another
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        # A down or hung (SIGSTOPped) broker must fail a publish within about a second: the request
        # goes on and the outbox sweep sends what was not dispatched. Every wait is bounded and
        # happens once: no publish retry (each would wait on the socket again), a 0.5 s socket
        # timeout (a new connection waits for its handshake and a PING: about 1.3 s at worst),
        # and connecting for a publish tried once (kombu would sleep 2 s between tries). A
        # Redis slower than that loses nothing either: the sweep sends the row a minute later.
        "broker_connection_timeout": 1,
        "task_publish_retry": False,
        "broker_transport_options": {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            "polling_interval": 0.25,  # the worker's BRPOP waits 0.25 s, within the socket timeout
            "max_retries": 0,
            # Messages of a killed worker come back after this (acks_late); longer than any
            # retry countdown, or a waiting retry would be handed out twice.
            "visibility_timeout": 3600,
            "unacked_restore_interval": 10,
            "unacked_restore_throttle": 1,
        },
        "timezone": "Europe/Copenhagen",
    }
    # The sweep sends what is due: rows whose next attempt has come, and rows never handed to Celery
    # (lost in a crash or a broker outage) once they are OUTBOX_SWEEP_SECONDS old.
    OUTBOX_SWEEP_SECONDS = 60
    # A failed delivery is tried again after 1, 2, 4, ... minutes (capped, with jitter) until
    # OUTBOX_RETRY_HOURS have passed; only then is the row failed and the administrators told.
    OUTBOX_RETRY_HOURS = 48
    OUTBOX_RETRY_FIRST_SECONDS = 60
    OUTBOX_RETRY_MAX_SECONDS = 3600
    # Letters committed together (a meeting's close) are delivered this many to a task, in one transaction;
    # more e-mails than this go this many to a task, each still committed on its own.
    OUTBOX_BATCH = 20
    # Committee agendas and reminders (Celery beat, idempotent per meeting/case and deadline).
    AGENDA_NOTICE_DAYS = 5
    REPLY_REMINDER_DAYS = 3
    REPORT_REMINDER_DAYS = 14
    ANNUAL_REPORT_REMINDER_DAYS = (14, 3)  # days before the annual report's deadline (årlig indberetning)
    REMINDER_SWEEP_SECONDS = 3600
    # To-mandsregel: a corrected amount and a payout batch need a second, different person's approval.
    # On by default; a municipality may turn it off (env FOUR_EYES=false).
    FOUR_EYES = True
    # Retention (GDPR art. 5(1)(e); README "Sletteregler"): years after the end of the calendar year in
    # which a record ended. Env: RETENTION_YEARS_GRANT_CASE=10 etc. Run daily by Celery beat.
    RETENTION_YEARS: dict = {"grant_case": 5, "rejected_application": 3, "premises_case": 2,
                             "invitation": 1, "inactive_user": 3}
    RETENTION_SWEEP_SECONDS = 24 * 3600
    RETENTION_BATCH = 200
    # The CVR register (Erhvervsstyrelsen's system-to-system access, e.g.
    # http://distribution.virk.dk/cvr-permanent/virksomhed/_search). None = registration checks only the
    # modulus 11, as before. Env: CVR_REGISTER_URL, CVR_REGISTER_USER, CVR_REGISTER_PASSWORD.
    CVR_REGISTER_URL: str | None = None
    CVR_REGISTER_USER: str | None = None
    CVR_REGISTER_PASSWORD: str | None = None
    CVR_REGISTER_TIMEOUT_SECONDS = 5
    CVR_SYNC_SECONDS = 24 * 3600  # the nightly comparison of every association with a CVR (Celery beat)
    CVR_SYNC_BATCH = 100
    # The integration API (/api/v1, app/api): OpenAPI 3.1 by flask-smorest, no docs UI from a CDN (the
    # reference page is rendered here from the same document); calls without a token share a per-IP limit.
    API_TITLE = "Foreningsstøtte API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_ANONYMOUS_RATE = "60 per minute"
    # Webhooks (app/services/integrations/webhooks.py): https only, unless the receiver is on this machine and
    # WEBHOOK_ALLOW_LOOPBACK_HTTP says so (development and tests); each POST waits at most this long.
    WEBHOOK_ALLOW_LOOPBACK_HTTP = False
    WEBHOOK_TIMEOUT_SECONDS = 10
    # ESDH journalisation (app/services/integrations/esdh.py): "" = off (the embedded default), "getorganized" =
    # Netcompany GetOrganized's REST API at ESDH_URL (the site root, e.g. https://go.kommune.dk), with the API
    # user's ESDH_USERNAME/ESDH_PASSWORD (HTTP Basic), cases made with the case type ESDH_CASE_TYPE_PREFIX.
    ESDH = ""
    ESDH_URL: str | None = None
    ESDH_USERNAME: str | None = None
    ESDH_PASSWORD: str | None = None
    ESDH_CASE_TYPE_PREFIX = "EMN"
    ESDH_TIMEOUT_SECONDS = 30
    API_TOKEN_RATE = "30 per minute"  # per client IP at POST /api/v1/token (each costs an argon2 verify)
    RATELIMIT_ENABLED = True  # explicit: Flask-Limiter keeps a previous app's False as its default
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_LOGIN = "10 per minute;50 per hour"  # per client IP: log-in, password reset, the 2FA step
    # Failed log-ins per account (the normalised e-mail, whether or not a user has it): against password
    # guessing spread over many IPs. Only failures count, so a user who logs in is never held up by it.
    RATELIMIT_LOGIN_ACCOUNT = "10 per 15 minutes;30 per hour"
    # Reset links and sign-up answers per address: nobody can flood someone's inbox from many IPs.
    RATELIMIT_MAIL_ACCOUNT = "3 per 15 minutes;10 per day"
    RATELIMIT_SIGNUP = "10 per minute;50 per hour"  # per client IP
    # Reverse proxies in front of the app (the municipality's load balancer: 1). With 0 the connecting
    # address is the client; with n the n-th address from the right of X-Forwarded-For is (ProxyFix).
    # Never more than there are: a client could then choose its own address and escape every limit.
    TRUSTED_PROXIES = 0
    RATELIMIT_HEADERS_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # a volunteer may take an hour over a form
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = ("da", "en")
    MAIL_BACKEND = "log"  # "log" writes to instance/mail.log; "smtp" sends
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_SENDER = "Foreningsstøtte <no-reply@kommune.example>"
    MAIL_LOG_PATH: str | None = None  # None: instance/mail.log
    EMAIL_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 3600
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    # Two-factor log-in (TOTP): True = every staff role, False = nobody, or a tuple of roles.
    # Members may switch it on themselves under /konto/sikkerhed.
    TWO_FACTOR_REQUIRED: bool | tuple = True
    TWO_FACTOR_PENDING_SECONDS = 300  # between the password and the code
    TWO_FACTOR_VALID_WINDOW = 1  # 30-second steps accepted either side of now (phone clock drift)
    TWO_FACTOR_ISSUER: str | None = None  # name in the authenticator app; None: MUNICIPALITY_NAME
    # Staff enrol only through a link e-mailed to their address: it works once, for this long, and the
    # enrolment it opens must be finished within TWO_FACTOR_ENROL_SECONDS.
    TWO_FACTOR_ENROL_LINK_MAX_AGE = 3600
    TWO_FACTOR_ENROL_SECONDS = 900
    # Fernet keys for TOTP secrets at rest (env TOTP_ENCRYPTION_KEYS="new,old"): the first encrypts, any
    # decrypts; `flask rotate-totp-key` re-encrypts with the first. Required unless the database is the
    # embedded SQLite file, where a key derived from SECRET_KEY stands in (app/secret_box.py).
    TOTP_ENCRYPTION_KEYS: tuple = ()
    # Staff single sign-on by OpenID Connect (app/auth/sso.py): the municipality's IdP (Entra ID, AD FS).
    # Nothing set: no SSO button, staff log in with e-mail, password and TOTP as before. Env: OIDC_ISSUER,
    # OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_GROUPS_CLAIM, OIDC_ROLE_GROUPS="group=role,other=role".
    # A staff session from SSO asks for no local TOTP: the IdP has done the strong authentication.
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_GROUPS_CLAIM = "groups"
    OIDC_ROLE_GROUPS: dict = {}  # the IdP's group -> caseworker, committee_member or administrator
    OIDC_TIMEOUT_SECONDS = 10
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A log-in lasts at most PERMANENT_SESSION_LIFETIME (env SESSION_LIFETIME_HOURS) and ends after
    # SESSION_IDLE_MINUTES without a request (app/security.py).
    SESSION_IDLE_MINUTES = 30
    HSTS_ENABLED = False  # only where the site is served over HTTPS (production)
    HSTS_MAX_AGE = 365 * 24 * 3600
    PASSWORD_MIN_LENGTH = 12
    # E-mail and password log-in and sign-up for association members (issue 23). A municipality that
    # requires MitID turns it off; staff keep their password log-in unless their own single sign-on is set up.
    EMAIL_LOGIN_ENABLED = True
    # MitID / MitID Erhverv through NemLog-in (OIOSAML 3.0). Nothing configured: no MitID button, log-in as
    # today. The IdP's metadata file, our signing/encryption key and certificate (PEM files), our entity id
    # (default: the metadata address), the lowest NSIS level of assurance accepted (Low, Substantial, High).
    SAML_IDP_METADATA_FILE: str | None = None
    SAML_SP_KEY_FILE: str | None = None
    SAML_SP_CERT_FILE: str | None = None
    SAML_SP_ENTITY_ID: str | None = None
    SAML_MIN_LOA = "Substantial"
    SAML_XMLSEC_BINARY = "/usr/bin/xmlsec1"
    SAML_CLOCK_SKEW_SECONDS = 60
    # "module:Class" of the virus scanner every upload passes through (app/services/files/antivirus.py).
    ANTIVIRUS_SCANNER = "app.services.files.antivirus:NoopScanner"
    MUNICIPALITY_NAME = "Eksempel Kommune"
    MUNICIPALITY_ADDRESS = "Rådhuspladsen 1, 9999 Eksempelby"
    MUNICIPALITY_EMAIL = "kultur@kommune.example"
    MUNICIPALITY_PHONE = "70 10 20 30"
    MUNICIPALITY_DEPARTMENT = "Kultur og Fritid"
    # The payment order file (ISO 20022 pain.001) for the finance system: the account the municipality pays from
    # (reg.nr. and account number, or as the bank writes it), its CVR number and its bank's BIC (both optional).
    # Without the account the CSV files still work; the XML file says what to configure.
    FINANCE_DEBTOR_ACCOUNT: str | None = None
    FINANCE_DEBTOR_CVR: str | None = None
    FINANCE_DEBTOR_BIC: str | None = None
    # Where links in e-mails and letters point (https://stoette.kommune.dk); required in production.
    # Unset (development): the host and port of the request that sent the e-mail (app/services/delivery/links.py).
    PUBLIC_BASE_URL: str | None = None
    # Used in letters when a pool has no appeal guidance of its own (forvaltningsloven § 25).
    # Appeal guidance for a decision in a pool that has chosen no legal basis (app/models/legal_basis.py).
    DEFAULT_APPEAL_TEXT = ("I kan klage over afgørelsen. Send klagen til kommunen inden 4 uger efter, at I har "
                           "modtaget afgørelsen. Kommunen ser sagen igennem igen og sender klagen videre, hvis "
                           "vi fastholder afgørelsen.")
    # Appeal deadline in weeks from notification (forvaltningsloven § 25; shown with the decision).
    APPEAL_WEEKS = 4
    # Digital Post (app/services/committee/digital_post.py): "" = off (letters in the portal, announced by
    # e-mail), "sf1601" = Serviceplatformen's KombiPostAfsend with the municipality's certificate, "filedrop" =
    # the MeMo file written to a folder a print/post provider collects. Sender: the municipality's CVR.
    DIGITAL_POST = ""
    DIGITAL_POST_SENDER_CVR: str | None = None
    DIGITAL_POST_SF1601_URL = "https://prod.serviceplatformen.dk/service/KombiPostAfsend_1/kombi"
    DIGITAL_POST_CERT_FILE: str | None = None  # client certificate (PEM) for SF1601
    DIGITAL_POST_KEY_FILE: str | None = None  # its private key (PEM)
    DIGITAL_POST_CA_FILE: str | None = None  # CA bundle for the service's certificate (None: the system's)
    # SF1601's token step (app/services/delivery/serviceplatformen_sts.py): the STS's REST issue endpoint,
    # AccessTokenService, and KombiPostAfsend's entity id. Defaults: production (the public client's values).
    DIGITAL_POST_STS_URL = "https://adgangsstyring.stoettesystemerne.dk/runtime/api/rest/wstrust/v1/issue"
    DIGITAL_POST_ACCESS_TOKEN_URL = "https://prod.serviceplatformen.dk/service/AccessTokenService_1/token"
    DIGITAL_POST_SERVICE_ENTITY_ID = "http://entityid.kombit.dk/service/kombipostafsend/1"
    DIGITAL_POST_TIMEOUT_SECONDS = 30
    DIGITAL_POST_FILEDROP_FOLDER: str | None = None
    # Operations (README "Operations"): logs as plain text (default) or one JSON object a line ("json"), at LOG_LEVEL.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # /metrics answers a client address in METRICS_NETWORKS (env: "10.0.0.0/8,::1") or a request with
    # "Authorization: Bearer <METRICS_TOKEN>"; nothing configured: nobody.
    METRICS_TOKEN: str | None = None
    METRICS_NETWORKS: tuple = ()
    # Prometheus-client's multi-process mode (several gunicorn workers, Celery's pool): a folder shared by
    # the processes of one host, set in their environment before they start (the library reads it then).
    PROMETHEUS_MULTIPROC_DIR: str | None = None
    # /readyz answers within this, whatever hangs (the load balancer's probe gives up after 2 s).
    READINESS_TIMEOUT_SECONDS = 1.5
    TESTING = False
    # Where files live (app/services/files/stores.py): "local" = UPLOAD_FOLDER (the embedded default, one machine)
    # or "s3" = a bucket of an S3-compatible store (AWS, Ceph, MinIO) that every host shares. S3_ENDPOINT_URL only
    # for a store that is not AWS; without S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY boto3's own credential chain
    # is used (instance role, AWS_* variables). S3_SERVER_SIDE_ENCRYPTION: "AES256", "aws:kms" or "" (off).
    FILE_STORAGE = "local"
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None
    S3_REGION = "eu-north-1"
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None
    S3_SERVER_SIDE_ENCRYPTION = "AES256"
    # Uploads: one file may be 20 MB (a scanned set of accounts); a reply carries up to 5 files.
    MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
    MAX_ATTACHMENTS_PER_UPLOAD = 5
    # The whole request: all files at their limit plus the form text; larger requests get a Danish 413 page.
    MAX_CONTENT_LENGTH = MAX_ATTACHMENT_BYTES * MAX_ATTACHMENTS_PER_UPLOAD + 1024 * 1024


class DevelopmentConfig(Config):
    """Embedded default: SQLite and in-process tasks, no servers needed."""

    DEBUG = False
    WEBHOOK_ALLOW_LOOPBACK_HTTP = True


class TestingConfig(Config):
    """Tests: CSRF off by default (one test turns it on), fast hashing."""

    TESTING = True
    WTF_CSRF_ENABLED = False
    ARGON2_FAST = True
    SQLITE_SYNCHRONOUS = "OFF"  # a test's database lives for one test: no commit waits for the disk
    RATELIMIT_LOGIN = "5 per minute"
    SERVER_NAME = "localhost"
    WEBHOOK_ALLOW_LOOPBACK_HTTP = True


class ProductionConfig(Config):
    """PostgreSQL, Redis, Celery workers; secrets must come from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_ENABLED = True
    MAIL_BACKEND = "smtp"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

_ENV_STRINGS = (
    "SECRET_KEY", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_SENDER", "MAIL_BACKEND",
    "MAIL_LOG_PATH", "UPLOAD_FOLDER", "MUNICIPALITY_NAME", "MUNICIPALITY_ADDRESS", "MUNICIPALITY_EMAIL",
    "MUNICIPALITY_PHONE", "MUNICIPALITY_DEPARTMENT", "PUBLIC_BASE_URL", "ANTIVIRUS_SCANNER",
    "CVR_REGISTER_URL", "CVR_REGISTER_USER", "CVR_REGISTER_PASSWORD",
    "ESDH", "ESDH_URL", "ESDH_USERNAME", "ESDH_PASSWORD", "ESDH_CASE_TYPE_PREFIX",
    "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_GROUPS_CLAIM",
    "SAML_IDP_METADATA_FILE", "SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE", "SAML_SP_ENTITY_ID", "SAML_MIN_LOA",
    "SAML_XMLSEC_BINARY", "DIGITAL_POST", "DIGITAL_POST_SENDER_CVR", "DIGITAL_POST_SF1601_URL",
    "DIGITAL_POST_CERT_FILE", "DIGITAL_POST_KEY_FILE", "DIGITAL_POST_CA_FILE", "DIGITAL_POST_FILEDROP_FOLDER",
    "DIGITAL_POST_STS_URL", "DIGITAL_POST_ACCESS_TOKEN_URL", "DIGITAL_POST_SERVICE_ENTITY_ID",
    "LOG_FORMAT", "LOG_LEVEL", "METRICS_TOKEN", "PROMETHEUS_MULTIPROC_DIR",
    "FILE_STORAGE", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY",
    "FINANCE_DEBTOR_ACCOUNT", "FINANCE_DEBTOR_CVR", "FINANCE_DEBTOR_BIC",
)


def select_config(environ: Mapping[str, str] | None = None) -> type[Config]:
    """Pick the class: FLASK_CONFIG if set, production when a DATABASE_URL is given."""
    environ = os.environ if environ is None else environ
    name = environ.get("FLASK_CONFIG") or ("production" if environ.get("DATABASE_URL") else "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"FLASK_CONFIG={name!r} is not one of {sorted(CONFIGS)}") from None


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict:
    """Overrides read from the environment when the app is created."""
    environ = os.environ if environ is None else environ
    out: dict = {key: environ[key] for key in _ENV_STRINGS if environ.get(key)}
    if environ.get("TOTP_ENCRYPTION_KEYS"):
        out["TOTP_ENCRYPTION_KEYS"] = tuple(k.strip() for k in environ["TOTP_ENCRYPTION_KEYS"].split(",") if k.strip())
    if environ.get("MAIL_PORT"):
        out["MAIL_PORT"] = int(environ["MAIL_PORT"])
    if environ.get("EMAIL_LOGIN_ENABLED"):
        out["EMAIL_LOGIN_ENABLED"] = environ["EMAIL_LOGIN_ENABLED"].lower() in ("1", "true", "yes")
    if environ.get("FOUR_EYES"):
        out["FOUR_EYES"] = environ["FOUR_EYES"].lower() in ("1", "true", "yes")
    if environ.get("WEBHOOK_ALLOW_LOOPBACK_HTTP"):
        out["WEBHOOK_ALLOW_LOOPBACK_HTTP"] = environ["WEBHOOK_ALLOW_LOOPBACK_HTTP"].lower() in ("1", "true", "yes")
    if environ.get("MAIL_USE_TLS"):
        out["MAIL_USE_TLS"] = environ["MAIL_USE_TLS"].lower() in ("1", "true", "yes")
    if "S3_SERVER_SIDE_ENCRYPTION" in environ:  # set but empty turns encryption off
        out["S3_SERVER_SIDE_ENCRYPTION"] = environ["S3_SERVER_SIDE_ENCRYPTION"].strip()
    if environ.get("DATABASE_URL"):
        out["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    for key in ("OUTBOX_SWEEP_SECONDS", "OUTBOX_RETRY_HOURS", "SESSION_IDLE_MINUTES", "PASSWORD_MIN_LENGTH",
                "TRUSTED_PROXIES", "OUTBOX_BATCH", "WEBHOOK_TIMEOUT_SECONDS", "OUTBOX_RETRY_FIRST_SECONDS",
                "OUTBOX_RETRY_MAX_SECONDS", "CVR_REGISTER_TIMEOUT_SECONDS", "ESDH_TIMEOUT_SECONDS",
                "DIGITAL_POST_TIMEOUT_SECONDS", "APPEAL_WEEKS"):
        if environ.get(key):
            out[key] = int(environ[key])
    if environ.get("METRICS_NETWORKS"):
        out["METRICS_NETWORKS"] = tuple(n.strip() for n in environ["METRICS_NETWORKS"].split(",") if n.strip())
    if environ.get("READINESS_TIMEOUT_SECONDS"):
        out["READINESS_TIMEOUT_SECONDS"] = float(environ["READINESS_TIMEOUT_SECONDS"])
    if environ.get("SESSION_LIFETIME_HOURS"):
        out["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(environ["SESSION_LIFETIME_HOURS"]))
    out.update(retention_settings(environ))
    if environ.get("OIDC_ROLE_GROUPS"):
        out["OIDC_ROLE_GROUPS"] = oidc_role_groups(environ["OIDC_ROLE_GROUPS"])
    if environ.get("REDIS_URL"):
        out.update(redis_settings(environ["REDIS_URL"]))
        if environ.get("BROKER_VISIBILITY_TIMEOUT"):
            out["CELERY"] = _with_visibility_timeout(out["CELERY"], int(environ["BROKER_VISIBILITY_TIMEOUT"]))
    return out


def retention_settings(environ: Mapping[str, str]) -> dict:
    """RETENTION_YEARS_<RULE>=n overrides one retention rule; an unknown rule name is refused."""
    prefix = "RETENTION_YEARS_"
    years = {key[len(prefix):].lower(): int(value) for key, value in environ.items()
             if key.startswith(prefix) and value}
    unknown = sorted(set(years) - set(Config.RETENTION_YEARS))
    if unknown:
        raise RuntimeError(f"unknown retention rule(s) {unknown}; known: {sorted(Config.RETENTION_YEARS)}")
    return {"RETENTION_YEARS": {**Config.RETENTION_YEARS, **years}} if years else {}


def oidc_role_groups(value: str) -> dict:
    """"group=role,other=role" as a dict; a role that is not a staff role is refused at start."""
    staff_roles = ("caseworker", "committee_member", "administrator")
    out: dict = {}
    for pair in value.split(","):
        if not pair.strip():
            continue
        group, _, role = pair.rpartition("=")
        if not group.strip() or role.strip() not in staff_roles:
            raise RuntimeError(f"OIDC_ROLE_GROUPS: {pair.strip()!r} is not group=role with a role in {staff_roles}")
        out[group.strip()] = role.strip()
    return out


def _with_visibility_timeout(celery: dict, seconds: int) -> dict:
    """Celery settings whose Redis transport hands a dead worker's messages out after `seconds`."""
    options = {**celery["broker_transport_options"], "visibility_timeout": seconds,
               "unacked_restore_interval": max(1, min(10, seconds // 5)),
               # The restore lock of a killed worker must not outlive the timeout itself.
               "unacked_mutex_expire": min(300, seconds)}
    return {**celery, "broker_transport_options": options}


def redis_settings(url: str) -> dict:
    """Celery broker and rate-limit storage on Redis."""
    return {
        "REDIS_URL": url,
        "RATELIMIT_STORAGE_URI": url,
        "CELERY": {**Config.CELERY, "broker_url": url, "task_always_eager": False},
    }


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
