"""Declarations shared by many parts of the report (cybertipline-mapping.md).

People, contact details, IP and device events, locations, account flags and associated accounts.

Each builder takes the element name and the wording for where it is used, because the same type
means "the reported user's phone" in one place and "the victim's phone" in another.
"""

from desktop_app.core.cybertipline import enums
from desktop_app.core.cybertipline.schema_types import (
    UNBOUNDED,
    AttributeDecl,
    ElementDecl,
    Format,
    XsdType,
    attribute,
    boolean,
    choice,
    group,
    moment,
    number,
    text,
)


def _verification(what: str) -> tuple[AttributeDecl, AttributeDecl]:
    return (
        attribute("verified", "Verified", f"Your company verified this {what}.", type=XsdType.BOOLEAN),
        attribute(
            "verificationDate",
            "Verified on",
            f"When the {what} was verified (with a time zone). Requires Verified to be set.",
            type=XsdType.DATE_TIME,
        ),
    )


def phone(
    name: str = "phone", label: str = "Phone", help: str = "A phone number.", *, repeat: bool = True
) -> ElementDecl:
    """A phone number with its type, verification, calling code and extension."""
    return text(
        name,
        label,
        help + " Without the country calling code; put that in its own field.",
        max_occurs=UNBOUNDED if repeat else 1,
        max_length=50,
        attributes=(
            attribute(
                "type", "Phone type", "What kind of line this is.", values=enums.PHONE_TYPES, enum_name="phoneType"
            ),
            *_verification("phone number"),
            attribute(
                "countryCallingCode",
                "Country calling code",
                "The international prefix, a plus sign and 1 to 3 digits (e.g. +1, +44).",
                pattern=r"\+[0-9]{1,3}",
            ),
            attribute("extension", "Extension", "The extension, digits only.", pattern=r"[0-9]+", max_length=10),
        ),
    )


def email(name: str = "email", label: str = "Email", help: str = "An email address.") -> ElementDecl:
    """An email address with its type and verification."""
    return text(
        name,
        label,
        help,
        max_occurs=UNBOUNDED,
        max_length=255,
        fmt=Format.EMAIL,
        attributes=(
            attribute(
                "type", "Email type", "What the address is used for.", values=enums.EMAIL_TYPES, enum_name="emailType"
            ),
            *_verification("email address"),
        ),
    )


def address(name: str = "address", label: str = "Address", help: str = "A postal address.") -> ElementDecl:
    """A postal address."""
    return group(
        name,
        label,
        help,
        (
            text("address", "Street address", "Street and house number.", max_length=255),
            text("city", "City", "City or town.", max_length=100),
            text("zipCode", "ZIP or postal code", "ZIP or postal code.", max_length=20),
            choice("state", "US state", "US state or territory (postal abbreviation).", enums.US_STATES, "state"),
            text("nonUsaState", "State or province (outside the US)", "State, province or region.", max_length=100),
            choice("country", "Country", "Country (ISO 3166 two-letter code).", enums.COUNTRIES, "country"),
        ),
        max_occurs=UNBOUNDED,
        attributes=(
            attribute(
                "type", "Address type", "What the address is.", values=enums.ADDRESS_TYPES, enum_name="addressType"
            ),
        ),
    )


def _names(limit: int) -> tuple[ElementDecl, ElementDecl]:
    return (
        text("firstName", "First name", "Given name.", max_length=limit),
        text("lastName", "Last name", "Family name.", max_length=limit),
    )


def person(name: str, label: str, help: str, *, min_occurs: int = 0) -> ElementDecl:
    """A person: name, contact details, age or date of birth."""
    return group(
        name,
        label,
        help,
        (
            *_names(100),
            phone(help="A phone number of this person."),
            email(help="An email address of this person."),
            address(help="A postal address of this person."),
            number("age", "Age", "Age in years (0-150).", minimum=0, maximum=150),
            moment("dateOfBirth", "Date of birth", "Date of birth (YYYY-MM-DD).", type=XsdType.DATE),
        ),
        min_occurs=min_occurs,
    )


def contact_person(name: str, label: str, help: str) -> ElementDecl:
    """A person to contact: name and contact details only."""
    return group(
        name,
        label,
        help,
        (
            *_names(100),
            phone(help="A phone number to reach them."),
            email(help="An email address to reach them."),
            address(help="A postal address to reach them."),
        ),
    )


def ip_capture_event(help: str, *, repeat: bool = True) -> ElementDecl:
    """An IP address and when (and through which port) it was seen."""
    return group(
        "ipCaptureEvent",
        "IP address event",
        help,
        (
            text(
                "ipAddress",
                "IP address",
                "IPv4 or IPv6 address as your logs recorded it.",
                min_occurs=1,
                non_blank=True,
                fmt=Format.IP,
            ),
            choice(
                "eventName",
                "Event",
                "What the user was doing when the address was logged.",
                enums.IP_CAPTURE_TYPES,
                "ipCaptureType",
            ),
            moment("dateTime", "Date and time", "When the address was logged, with the time zone of the log."),
            boolean("possibleProxy", "Possibly a proxy", "You have reason to believe the address is a proxy or VPN."),
            number("port", "Source port", "The client's source port (1-65535).", minimum=1, maximum=65535),
        ),
        max_occurs=UNBOUNDED if repeat else 1,
    )


def device_id(help: str) -> ElementDecl:
    """A device identifier and when it was seen."""
    return group(
        "deviceId",
        "Device identifier",
        help,
        (
            text(
                "idType",
                "Identifier type",
                "What kind of identifier, e.g. IMEI, ICCID, SSID, advertising ID.",
                min_occurs=1,
                non_blank=True,
                max_length=255,
            ),
            text(
                "idValue", "Identifier value", "The identifier itself.", min_occurs=1, non_blank=True, max_length=2083
            ),
            choice(
                "eventName",
                "Event",
                "What the user was doing when the identifier was logged.",
                enums.IP_CAPTURE_TYPES,
                "ipCaptureType",
            ),
            moment("dateTime", "Date and time", "When the identifier was logged, with a time zone."),
        ),
        max_occurs=UNBOUNDED,
    )
