"""Netcompany GetOrganized's REST API (`/_goapi`): the ESDH system behind app/services/integrations/esdh.py.

The request and response shapes follow the public clients the municipalities use, since Netcompany's own API
documentation is behind the customer portal:
- itk-dev/getorganized-api-client-php (Aarhus; used by OS2forms' os2forms_get_organized): `src/Service/Cases.php`
  (POST `/_goapi/Cases/` with `CaseTypePrefix`, `MetadataXml` as a `<z:row xmlns:z="#RowsetSchema" ows_…/>`
  and `ReturnWhenCaseFullyCreated`; POST `/_goapi/Cases/FindByCaseProperties` with `FieldProperties` and
  `CaseTypePrefixes`, answered by `CasesInfo[].CaseID`), `src/Service/Documents.php` and its recorded answer
  `src/Mock/resources/_goapi/Documents/AddToDocumentLibrary.yaml` (POST `/_goapi/Documents/AddToDocumentLibrary`
  with `bytes` as a list of byte values, `CaseId`, `ListName` "Dokumenter", `FolderPath`, `FileName`,
  `Metadata` and `Overwrite`, answered by `{"DocId": 215820}`).
- AAK-MBU/MBU-getorganized-integration `src/mbu_getorganized_integration/payloads.py` and `cases.py`: a case is
  created answering `{"CaseID": "GEO-2024-000123", …}`; its subject is `ows_KLENummer`, its facet `ows_Facet`;
  a document's date is `ows_Dato` and its title `ows_Title`.

Authentication: GetOrganized on-premises sits behind SharePoint's Windows authentication (NTLM in those clients);
we send HTTP Basic, which SharePoint accepts over https where the site allows it. Creating a case is made safe to
repeat (a crash between GetOrganized's answer and our commit): the case is first looked up by its exact title,
which holds our case number. Filing a document is safe to repeat by itself: the same file name with `Overwrite`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import quoteattr  # nosec B406 # escapes what we write; nothing is parsed


LIST_NAME = "Dokumenter"


class GetOrganizedError(OSError):
    """GetOrganized did not take the request (no answer, not a 2xx, or an answer without the id); tried again."""


def metadata_xml(fields: dict[str, str | None]) -> str:
    """`<z:row xmlns:z="#RowsetSchema" ows_…="…"/>` with the fields that have a value, every value escaped."""
    attributes = "".join(f" {name}={quoteattr(str(value))}" for name, value in fields.items() if value)
    return f'<z:row xmlns:z="#RowsetSchema"{attributes}/>'


@dataclass(frozen=True)
class GetOrganized:
    """A client for one GetOrganized site; `url` is the site root (https://go.kommune.dk)."""

    url: str
    username: str | None
    password: str | None
    case_type_prefix: str = "EMN"
    timeout: float = 30

    def create_case(self, title: str, kle_number: str | None, kle_facet: str | None) -> str:
        """The ESDH case number of a new case (or of the one made earlier with this exact title)."""
        found = self.find_case(title)
        if found is not None:
            return found
        body = {"CaseTypePrefix": self.case_type_prefix, "ReturnWhenCaseFullyCreated": True,
                "MetadataXml": metadata_xml({"ows_Title": title, "ows_CaseStatus": "Åben",
                                             "ows_KLENummer": kle_number, "ows_Facet": kle_facet})}
        return self._id(self._post("/_goapi/Cases/", body), "CaseID")

    def find_case(self, title: str) -> str | None:
        """The case number of the case with exactly this title, or None."""
        body = {"FieldProperties": [{"InternalName": "ows_Title", "Value": title, "DataType": "Text",
                                     "ComparisonType": "Equal", "IsMultiValue": "False"}],
                "CaseTypePrefixes": [self.case_type_prefix], "LogicalOperator": "AND",
                "ExcludeDeletedCases": "True", "ReturnCasesNumber": "1"}
        rows = self._post("/_goapi/Cases/FindByCaseProperties", body).get("CasesInfo") or []
        return str(rows[0]["CaseID"]) if rows and rows[0].get("CaseID") else None

    def file_document(self, case_number: str, filename: str, content: bytes, day: date, description: str) -> str:
        """File the bytes on the case with their date and short description; GetOrganized's document id."""
        body = {"bytes": list(content), "CaseId": case_number, "ListName": LIST_NAME, "FolderPath": "",
                "FileName": filename, "Overwrite": True,
                "Metadata": metadata_xml({"ows_Title": description, "ows_Dato": day.isoformat()})}
        return self._id(self._post("/_goapi/Documents/AddToDocumentLibrary", body), "DocId")

    def reachable(self) -> bool:
        """Whether the site answers at all (any HTTP answer counts)."""
        import requests  # on first use: ~40 ms less for every process's start
        try:
            requests.get(self.url, timeout=self.timeout, auth=self._auth(), allow_redirects=False)
        except requests.RequestException:
            return False
        return True

    def _auth(self):
        return (self.username, self.password) if self.username else None

    def _post(self, path: str, body: dict) -> dict:
        import requests  # on first use: ~40 ms less for every process's start
        try:
            response = requests.post(self.url.rstrip("/") + path, json=body, timeout=self.timeout,
                                     auth=self._auth(), allow_redirects=False)
        except requests.RequestException as exc:
            raise GetOrganizedError(f"{path}: {type(exc).__name__}: {exc}"[:500]) from exc
        if not 200 <= response.status_code < 300:
            raise GetOrganizedError(f"{path}: HTTP {response.status_code}: {response.text[:300]}")
        try:
            answer = response.json()
        except ValueError:
            raise GetOrganizedError(f"{path}: not JSON: {response.text[:300]}") from None
        if not isinstance(answer, dict):
            raise GetOrganizedError(f"{path}: unexpected answer: {str(answer)[:300]}")
        return answer

    @staticmethod
    def _id(answer: dict, key: str) -> str:
        value = answer.get(key)
        if value in (None, "", 0):
            raise GetOrganizedError(f"answer without {key}: {str(answer)[:300]}")
        return str(value)
