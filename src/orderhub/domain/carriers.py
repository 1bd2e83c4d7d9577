"""Carrier guessing from a tracking number's shape, and tracking links.

Rules, first match wins (numbers are compared without spaces, upper-cased):

| carrier    | shape                                                          |
|------------|----------------------------------------------------------------|
| UPS        | `1Z` + 16 letters/digits                                       |
| Royal Mail | 2 letters + 9 digits + `GB`                                    |
| USPS       | 2 letters + 9 digits + `US`; or 20-22 digits starting 91-95    |
| DHL        | `JJD`/`JD` + 9-20 digits; or exactly 10 digits (DHL Express)   |
| FedEx      | 12, 15 or 20 digits; or 22 digits starting `96`                |

Anything else is left blank rather than guessed wrongly.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("UPS", re.compile(r"1Z[0-9A-Z]{16}")),
    ("Royal Mail", re.compile(r"[A-Z]{2}\d{9}GB")),
    ("USPS", re.compile(r"[A-Z]{2}\d{9}US|9[1-5]\d{18,20}")),
    ("DHL", re.compile(r"J?JD\d{9,20}|\d{10}")),
    ("FedEx", re.compile(r"\d{12}|\d{15}|\d{20}|96\d{20}")),
)

_TRACKING_URLS = {
    "UPS": "https://www.ups.com/track?tracknum={n}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={n}",
    "DHL": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={n}",
    "Royal Mail": "https://www.royalmail.com/track-your-item#/tracking-results/{n}",
}
_ALIASES = {name.lower().replace(" ", ""): name for name in _TRACKING_URLS}


def normalise_number(tracking_number: str) -> str:
    return re.sub(r"\s+", "", tracking_number).upper()


def guess_carrier(tracking_number: str) -> str:
    number = normalise_number(tracking_number)
    for carrier, pattern in _RULES:
        if pattern.fullmatch(number):
            return carrier
    return ""


def canonical_carrier(carrier: str) -> str:
    """'ups', 'Royal mail', 'royalmail' -> the name used above; unknown names as given."""
    return _ALIASES.get(carrier.lower().replace(" ", ""), carrier)


def tracking_url(carrier: str, tracking_number: str) -> str:
    template = _TRACKING_URLS.get(canonical_carrier(carrier))
    number = normalise_number(tracking_number)
    if template is None or not number or number == "N/A":
        return ""
    return template.format(n=quote(number, safe=""))
