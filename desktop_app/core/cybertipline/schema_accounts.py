"""Account details reported users, intended recipients and victims share (cybertipline-mapping.md).

Disabled flags, estimated location, prior report IDs, associated accounts, and the per-role set of
account fields the three sections are assembled from.
"""

from desktop_app.core.cybertipline import enums
from desktop_app.core.cybertipline.schema_common import (
    address,
    device_id,
    email,
    ip_capture_event,
    phone,
)
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


def _disabled_attributes(*, reenabled: bool) -> tuple[AttributeDecl, ...]:
    found: tuple[AttributeDecl, ...] = (
        attribute("disabledDate", "Disabled on", "When the account was disabled.", type=XsdType.DATE_TIME),
        attribute("userNotified", "User notified", "The user was told the account was disabled.", type=XsdType.BOOLEAN),
        attribute(
            "userNotifiedDate",
            "User notified on",
            "When the user was told (not before it was disabled).",
            type=XsdType.DATE_TIME,
        ),
    )
    if reenabled:
        found += (
            attribute(
                "reenabledDate",
                "Re-enabled on",
                "When the account was enabled again (after it was disabled).",
                type=XsdType.DATE_TIME,
            ),
        )
    return found


def account_disabled() -> tuple[ElementDecl, ElementDecl]:
    """The temporarily/permanently disabled flags with their dates."""
    return (
        boolean(
            "accountTemporarilyDisabled",
            "Account temporarily disabled",
            "Whether the account was disabled for a time.",
            attributes=_disabled_attributes(reenabled=True),
        ),
        boolean(
            "accountPermanentlyDisabled",
            "Account permanently disabled",
            "Whether the account was closed for good.",
            attributes=_disabled_attributes(reenabled=False),
        ),
    )


def estimated_location(whose: str) -> ElementDecl:
    """Where you believe someone is."""
    return group(
        "estimatedLocation",
        "Estimated location",
        f"Where your company believes {whose} is (e.g. from IP geolocation or the profile).",
        (
            text("city", "City", "City or town.", max_length=255),
            text(
                "region",
                "Region",
                "State, province or region; for the US, the state's postal abbreviation.",
                max_length=255,
            ),
            choice(
                "countryCode",
                "Country",
                "Country (ISO 3166 two-letter code). NCMEC requires it.",
                enums.COUNTRIES,
                "country",
            ),
        ),
        attributes=(
            attribute("verified", "Verified", "The location was verified, not only estimated.", type=XsdType.BOOLEAN),
            attribute("timestamp", "As of", "When the location was determined.", type=XsdType.DATE_TIME),
        ),
    )


def prior_reports(name: str = "priorCTReports") -> ElementDecl:
    """Earlier CyberTipline report IDs about the same account."""
    return number(
        name,
        "Earlier CyberTipline report",
        "The ID of an earlier CyberTipline report about this account (production report IDs only).",
        type=XsdType.LONG,
        minimum=1,
        max_occurs=UNBOUNDED,
    )


def associated_account(whose: str) -> ElementDecl:
    """Another account linked to a reported user or victim (the XSD's ``type``, cybertipline-service.md §4)."""
    return group(
        "associatedAccount",
        "Associated account",
        f"Another account linked to {whose}: billing, linked, business, creator or parent/guardian account.",
        (
            text(
                "platform",
                "Platform",
                "The full name of the application the account is on.",
                max_length=256,
                attributes=(
                    attribute(
                        "thirdPartyUser",
                        "On another company's service",
                        "The account is on another company's service; you have nothing more on it.",
                        type=XsdType.BOOLEAN,
                    ),
                ),
            ),
            text("firstName", "First name", "Given name of the account holder.", max_length=256),
            text("middleName", "Middle name", "Middle name of the account holder.", max_length=256),
            text("lastName", "Last name", "Family name of the account holder.", max_length=256),
            number(
                "approximateAge",
                "Approximate age",
                "Approximate age in years (0-150); give this or the date of birth, not both.",
                minimum=0,
                maximum=150,
            ),
            moment(
                "dateOfBirth",
                "Date of birth",
                "Date of birth (YYYY-MM-DD); give this or the approximate age, not both.",
                type=XsdType.DATE,
            ),
            phone(help="A phone number on the account."),
            email(help="An email address on the account."),
            boolean("allEmailsReported", "All emails reported", "There are no further email addresses to report."),
            address(help="An address on the account."),
            text("espService", "Service", "Which of your products or services the account used.", max_length=256),
            text("espIdentifier", "Account ID", "The account's unique ID in your system.", max_length=256),
            text(
                "profileUrl",
                "Profile URL",
                "A URL identifying the account.",
                max_occurs=UNBOUNDED,
                max_length=2083,
                fmt=Format.URL,
            ),
            text("screenName", "Screen name", "The account's screen name or username.", max_length=256),
            text(
                "displayName",
                "Display name",
                "A display name other than the screen name.",
                max_occurs=UNBOUNDED,
                max_length=255,
            ),
            text("profileBio", "Profile bio", "A copy of the account's bio."),
            text(
                "groupIdentifier",
                "Group identifier",
                "Name or ID of an organised group exploiting children that you believe the account takes part in.",
                max_length=256,
            ),
            boolean("compromisedAccount", "Compromised account", "The account was hacked or hijacked."),
            *account_disabled(),
            ip_capture_event("An IP address the account used and when."),
            device_id("A device the account used and when."),
            prior_reports("priorCTReport"),
            text("additionalInfo", "Additional information", "Anything else about this account."),
        ),
        max_occurs=UNBOUNDED,
        attributes=(
            attribute(
                "type",
                "Account relationship",
                "How the account is linked.",
                required=True,
                values=enums.ASSOCIATED_ACCOUNT_TYPES,
                enum_name="associatedAccountType",
            ),
        ),
    )


def account_fields(whose: str) -> dict[str, ElementDecl]:
    """The account fields reported users, intended recipients and victims share, by element name."""
    return {
        "espIdentifier": text(
            "espIdentifier", "Account ID", f"The unique ID of {whose} in your system.", max_length=255
        ),
        "espService": text(
            "espService", "Service", f"Which of your products or services {whose} used.", max_length=100
        ),
        "compromisedAccount": boolean(
            "compromisedAccount", "Compromised account", "The account was hacked or hijacked."
        ),
        "screenName": text("screenName", "Screen name", f"The screen name or username of {whose}.", max_length=256),
        "displayName": text(
            "displayName",
            "Display name",
            "A display name other than the screen name.",
            max_occurs=UNBOUNDED,
            max_length=255,
        ),
        "profileUrl": text(
            "profileUrl",
            "Profile URL",
            f"A URL identifying {whose}.",
            max_occurs=UNBOUNDED,
            max_length=2083,
            fmt=Format.URL,
        ),
        "profileBio": text("profileBio", "Profile bio", "A copy of the account's bio on your platform."),
        "ipCaptureEvent": ip_capture_event(f"An IP address {whose} used, when, and from which port."),
        "deviceId": device_id(f"A device {whose} used and when."),
        "priorCTReports": prior_reports(),
        "groupIdentifier": text(
            "groupIdentifier",
            "Group identifier",
            f"Name or ID of an organised group exploiting children that you believe {whose} takes part in.",
            max_length=255,
        ),
        "accountTemporarilyDisabled": account_disabled()[0],
        "accountPermanentlyDisabled": account_disabled()[1],
        "estimatedLocation": estimated_location(whose),
        "allEmailsReported": boolean(
            "allEmailsReported", "All emails reported", "There are no further email addresses to report."
        ),
        "associatedAccount": associated_account(whose),
        "additionalInfo": text("additionalInfo", "Additional information", f"Anything else about {whose}."),
    }
