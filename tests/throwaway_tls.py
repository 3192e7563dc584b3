"""Throwaway certificates for TLS stand-ins, made once per test process with `cryptography`: a CA, a server
certificate for 127.0.0.1, the municipality's client certificate (as its OCES/FOCES system certificate would be)
and a second client certificate nobody registered."""
from __future__ import annotations

import atexit
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from ipaddress import ip_address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Fixed validity (TLS checks it against the system's time, which the tests never read).
VALID_FROM, VALID_TO = datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2099, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Pair:
    cert_pem: bytes
    key_pem: bytes

    @property
    def der(self) -> bytes:
        return x509.load_pem_x509_certificate(self.cert_pem).public_bytes(serialization.Encoding.DER)

    def write(self, folder: Path, name: str) -> tuple[str, str]:
        """(certificate file, key file) in `folder`."""
        cert, key = folder / f"{name}.crt", folder / f"{name}.key"
        cert.write_bytes(self.cert_pem)
        key.write_bytes(self.key_pem)
        return str(cert), str(key)


@dataclass(frozen=True)
class Pki:
    ca: Pair
    server: Pair
    client: Pair
    stranger: Pair
    folder: Path

    @property
    def ca_file(self) -> str:
        return str(self.folder / "ca.crt")

    def server_context(self) -> ssl.SSLContext:
        """TLS for a stand-in: the server certificate; clients must show a certificate the CA issued."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*self.server.write(self.folder, "server"))
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cafile=self.ca_file)
        return context


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _issue(subject: str, issuer: Pair | None, *, ca: bool = False, server: bool = False) -> Pair:
    key = ec.generate_private_key(ec.SECP256R1())
    issuer_key = serialization.load_pem_private_key(issuer.key_pem, None) if issuer else key
    issuer_name = x509.load_pem_x509_certificate(issuer.cert_pem).subject if issuer else _name(subject)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(VALID_FROM).not_valid_after(VALID_TO)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if server:
        builder = (builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]),
                                         critical=False)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    elif not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    cert = builder.sign(issuer_key, hashes.SHA256())
    return Pair(cert.public_bytes(serialization.Encoding.PEM),
                key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


@cache
def pki() -> Pki:
    """The process's throwaway certificates (made on first use)."""
    folder = Path(tempfile.mkdtemp(prefix="stand-in-tls-"))
    atexit.register(shutil.rmtree, folder, True)
    ca = _issue("Stand-in CA", None, ca=True)
    (folder / "ca.crt").write_bytes(ca.cert_pem)
    return Pki(ca, _issue("127.0.0.1", ca, server=True), _issue("Eksempel Kommune - Foreningsstøtte", ca),
               _issue("Nogen anden", ca), folder)
