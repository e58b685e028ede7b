"""Who published a report: level from the name, credit code from where it was found.

The reports rarely state the 统一社会信用代码, but Hanweb's disclosure platform addresses a
unit's reports by it (``xxgkAnnualReport.jsp?area={code}``), so the URL gives it when the
report came from there.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_TOWNSHIP = re.compile(r"(镇|乡|街道|街道办事处)(人民政府)?$")
_COUNTY = re.compile(r"(县|区|市)人民政府$")


def level_of(name: str) -> str:
    """county | township | department | other, from the body's name."""
    if _TOWNSHIP.search(name):
        return "township"
    if _COUNTY.search(name) and not re.search(r"(镇|乡|街道)", name):
        return "county"
    if re.search(r"(局|委员会|委|办公室|办|中心|所|院|队|站|部|厅|会)$", name):
        return "department"
    return "other"


def credit_code_in(url: str) -> str | None:
    """The credit code a platform URL carries in its ``area`` parameter, if it is one."""
    for values in parse_qs(urlsplit(url).query).values():
        for value in values:
            if CREDIT_CODE.match(value.strip().upper()):
                return value.strip().upper()
    return None
