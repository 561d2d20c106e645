"""Every answer NCMEC's API can give, turned into what the reviewer should do next.

NCMEC's list of response codes is explicitly incomplete, and which HTTP status comes with which code
is not documented beyond one pairing, so the advice starts from NCMEC's code when there is one,
falls back to the HTTP status when the body was empty or not NCMEC's XML (a proxy's error page), and
always says something. ``step`` is the step's key (``submit``, ``upload:N``, ``fileinfo:N``,
``finish``, ``retract``): the same code means different things at different steps.
"""

_BY_CODE = {
    0: "Nothing to do: NCMEC accepted this step.",
    1000: "NCMEC had an internal error. Try again in a few minutes; if it persists, contact NCMEC with the Request-ID.",
    1100: "NCMEC could not save the report. Try again in a few minutes; nothing was opened.",
    1110: "NCMEC could not process the upload. Evidence Desk retries it; if it keeps failing, check the file "
    "in the vault (workspace verify) and try again later.",
    1111: "NCMEC received the file damaged or incomplete. It will be sent again; check the network if it recurs.",
    1210: "NCMEC does not know this address: check the CyberTipline address in the connection settings.",
    1300: "NCMEC could not update the open report. Try again in a few minutes.",
    2000: "NCMEC asks for credentials: enter the user name and password NCMEC issued for this environment.",
    3000: "This NCMEC account may not do this. Ask NCMEC (ESPteam@ncmec.org) to check the account's permissions.",
    3100: "This NCMEC account may not file reports. Ask NCMEC (ESPteam@ncmec.org) to enable submissions.",
    3300: "This NCMEC account may not change this report (it may belong to another account). Check the "
    "credentials for this environment.",
    4000: "NCMEC found the request itself invalid. This is a fault in Evidence Desk: report it with the Request-ID.",
    4100: "NCMEC's validation rejected the report. Fix what the message names in the report editor, then submit again.",
    4110: "NCMEC could not read the XML. This is a fault in Evidence Desk: report it with the Request-ID.",
    4200: "NCMEC could not read the uploaded file. It will be sent again; if it recurs, report it with the Request-ID.",
    5001: "NCMEC does not know this report: it was discarded (unfinished too long) or belongs to another "
    "environment. Submit it again.",
    5002: "NCMEC does not know this file in the report. The report is withdrawn and can be submitted again.",
    5101: "NCMEC had already withdrawn this report (it was retracted, or left unfinished too long). Submit it again "
    "if it should reach NCMEC.",
    5102: "NCMEC had already finished this report: it is filed. Nothing more can be added to it.",
}

_BY_STEP_CODE = {
    ("finish", 4100): "NCMEC rejected the report when finishing it (for a batched report: exactly one file is "
    "allowed). Evidence Desk withdraws it; fix the report and submit it again.",
    ("retract", 5102): "The report was already finished at NCMEC, so it cannot be withdrawn; it is filed.",
    ("submit", 4100): "NCMEC's validation rejected the report; nothing was opened. Fix what the message names, "
    "then submit again.",
}

_BY_HTTP = {
    401: "NCMEC refused the user name and password. Check them for this environment (test and production accounts "
    "are separate).",
    403: "NCMEC (or a proxy) refused access. Check the network's firewall and the account's permissions.",
    404: "Nothing answers at this address. Check the CyberTipline address.",
    408: "The request took too long for NCMEC. Try again.",
    413: "A proxy between here and NCMEC refused the size of the upload. Try another network.",
    429: "NCMEC asks to slow down. Evidence Desk waits as asked and tries again.",
    500: "NCMEC (or a proxy) failed without an answer. Try again later.",
    502: "A proxy between here and NCMEC failed. Try again later.",
    503: "NCMEC is unavailable (maintenance?). Try again later.",
    504: "A proxy gave up waiting for NCMEC. Try again later.",
}


def advice_for(code: int | None, http_status: int | None, step: str) -> str:
    """What the reviewer should do after NCMEC answered ``code`` (or only ``http_status``) at ``step``."""
    kind = step.split(":", 1)[0]
    if code is not None:
        specific = _BY_STEP_CODE.get((kind, code))
        if specific is not None:
            return specific
        if code in _BY_CODE:
            return _BY_CODE[code]
        family = code // 1000 * 1000
        if family in (1000, 2000, 3000, 4000):
            base = _BY_CODE[family]
            return f"NCMEC answered code {code}, which Evidence Desk does not know. Its family says: {base}"
        return f"NCMEC answered code {code}, which Evidence Desk does not know. Contact NCMEC with the Request-ID."
    if http_status is not None:
        if http_status in _BY_HTTP:
            return _BY_HTTP[http_status]
        if 200 <= http_status < 300:
            return (
                "Something answered that is not NCMEC's API (a web page instead of NCMEC's XML: a captive portal or "
                "a proxy?). Check the network and the address."
            )
        if 300 <= http_status < 400:
            return "The address redirects elsewhere; Evidence Desk never follows a redirect. Check the address."
        return f"NCMEC (or a proxy) answered HTTP {http_status} without NCMEC's XML. Try again later."
    return "No answer arrived. Check the network; a step whose outcome is unknown is never repeated blindly."
