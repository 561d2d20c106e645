"""Which HTTP status goes with which NCMEC response code.

NCMEC documents one pairing (HTTP 400 with 4100 when ``/finish`` refuses a batched report); its
older servers answered every application error with HTTP 200, and today's clients assume 4xx/5xx.
The default here is the reading of today's behaviour: 200 for success, 400 for request and
validation errors (4xxx), 401 for authentication, 403 for authorisation (3xxx), 404 for an unknown
report or file, 409 for a report already finished or retracted, 500 for server errors (1xxx).
A server may override any code (``PracticeServer(status_for_code={5101: 200})``) or answer
everything with 200 as NCMEC once did (``legacy_http_200``).
"""

_BY_CODE = {0: 200, 1210: 404, 2000: 401, 5001: 404, 5002: 404, 5101: 409, 5102: 409}
_BY_THOUSAND = {1: 500, 2: 401, 3: 403, 4: 400, 5: 409}


def http_status(code: int, overrides: dict[int, int] | None = None) -> int:
    """The HTTP status for an NCMEC response code."""
    if overrides and code in overrides:
        return overrides[code]
    if code in _BY_CODE:
        return _BY_CODE[code]
    return _BY_THOUSAND.get(code // 1000, 500)
