"""The declarations of ``<incidentSummary>`` and ``<internetDetails>`` (cybertipline-mapping.md).

What happened and when; and where, one ``internetDetails`` per channel (web page, email, chat...).
"""

from desktop_app.core.cybertipline import enums
from desktop_app.core.cybertipline.schema_common import address, email, ip_capture_event, phone
from desktop_app.core.cybertipline.schema_types import (
    UNBOUNDED,
    Content,
    ElementDecl,
    Format,
    XsdType,
    attribute,
    choice,
    flag,
    group,
    moment,
    number,
    text,
)


def _info(help: str) -> ElementDecl:
    return text("additionalInfo", "Additional information", help)


def _content(help: str) -> ElementDecl:
    return text("content", "Content", help)


INCIDENT_SUMMARY = group(
    "incidentSummary",
    "Incident",
    "What happened and when. Only the incident type and date are legally required.",
    (
        choice(
            "incidentType",
            "Incident type",
            "The kind of exploitation being reported.",
            enums.INCIDENT_TYPES,
            "incidentType",
            min_occurs=1,
        ),
        text("platform", "Platform", "The full name of the application where the content was found.", max_length=256),
        text(
            "escalateToHighPriority",
            "Escalate: reason",
            "Only if a child is at immediate risk: why. Any text here escalates the report to high priority.",
            max_length=3000,
            non_blank=True,
        ),
        group(
            "reportAnnotations",
            "Incident tags",
            "Tags that describe the incident.",
            (
                flag("sextortion", "Sextortion", "The incident involves sextortion."),
                flag("csamSolicitation", "CSAM solicitation", "Someone solicited child sexual abuse material."),
                flag("minorToMinorInteraction", "Minor-to-minor interaction", "The interaction was between minors."),
                flag("spam", "Spam", "The content was spread as spam."),
                flag(
                    "sadisticOnlineExploitation",
                    "Sadistic online exploitation",
                    "The incident involves sadistic online exploitation.",
                ),
            ),
            content=Content.ALL,
        ),
        moment(
            "incidentDateTime",
            "Incident date and time",
            "When the incident happened, with a time zone; it must be in the past.",
            min_occurs=1,
        ),
        text(
            "incidentDateTimeDescription",
            "About the date",
            "Anything more about the date, e.g. that it is when the content was found rather than when it was posted.",
            max_length=3000,
        ),
    ),
    min_occurs=1,
)

_EMAIL_IN_INCIDENT = email(
    "emailAddress",
    "Email address",
    "An address involved. It must also appear on the reported user, an intended recipient or a victim.",
)

INTERNET_DETAILS = group(
    "internetDetails",
    "Where it happened",
    "One entry per place or channel the incident involved: a web page, email, chat, game, phone and so on.",
    (
        group(
            "webPageIncident",
            "Web page",
            "The incident happened on a web page.",
            (
                text(
                    "url",
                    "URL",
                    "A URL where the incident happened.",
                    max_occurs=UNBOUNDED,
                    max_length=2083,
                    fmt=Format.URL,
                ),
                _info("Anything more about the web page."),
            ),
            min_occurs=1,
            attributes=(
                attribute(
                    "thirdPartyHostedContent",
                    "Hosted by another company",
                    "The URL is on another company's servers and you have no further information.",
                    type=XsdType.BOOLEAN,
                ),
            ),
        ),
        group(
            "emailIncident",
            "Email",
            "The incident happened over email.",
            (
                _EMAIL_IN_INCIDENT,
                _content("Headers, subject and body of the email."),
                _info("Anything more about the email."),
            ),
            min_occurs=1,
        ),
        group(
            "newsgroupIncident",
            "Newsgroup",
            "The incident happened in a newsgroup.",
            (
                text("name", "Newsgroup", "The newsgroup's name.", max_length=255),
                _EMAIL_IN_INCIDENT,
                _content("The posting, with headers and subject."),
                _info("Anything more about the newsgroup posting."),
            ),
            min_occurs=1,
        ),
        group(
            "chatImIncident",
            "Chat or instant message",
            "The incident happened in a chat or messenger.",
            (
                text("chatClient", "Chat program", "The chat or messenger program.", max_length=255),
                text("chatRoomName", "Chat room", "The chat room's name.", max_length=255),
                _content("The chat log."),
                _info("Anything more about the chat."),
            ),
            min_occurs=1,
        ),
        group(
            "onlineGamingIncident",
            "Online game",
            "The incident happened in an online game.",
            (
                text("gameName", "Game", "The game's name.", max_length=255),
                text("console", "Console", "The gaming console, if one was used.", max_length=255),
                _content("The messages exchanged in the game."),
                _info("Anything more about the game."),
            ),
            min_occurs=1,
        ),
        group(
            "cellPhoneIncident",
            "Cell phone",
            "The main channel was a cell phone: calls, texts, pictures.",
            (
                phone("phoneNumber", "Phone number", "The cell phone number involved.", repeat=False),
                number(
                    "latitude",
                    "Latitude",
                    "Decimal degrees, north positive.",
                    type=XsdType.DOUBLE,
                    minimum=-90,
                    maximum=90,
                ),
                number(
                    "longitude",
                    "Longitude",
                    "Decimal degrees, east positive.",
                    type=XsdType.DOUBLE,
                    minimum=-180,
                    maximum=180,
                ),
                _info("Anything more about the cell phone incident."),
            ),
            min_occurs=1,
        ),
        group(
            "nonInternetIncident",
            "Offline",
            "The incident had no online or phone component (e.g. in person, printed material).",
            (
                text("locationName", "Place", "The name of the place.", max_length=255),
                address("incidentAddress", "Address", "Where the incident happened."),
                _info("Describe the incident in detail."),
            ),
            min_occurs=1,
        ),
        group(
            "peer2peerIncident",
            "Peer-to-peer",
            "The incident happened on a peer-to-peer file-sharing network.",
            (
                text("client", "Client", "The peer-to-peer program (e.g. eMule).", max_length=255),
                ip_capture_event("An IP address seen on the network and when."),
                text("fileNames", "File names", "The names of the files shared."),
                _info("Anything more about the peer-to-peer incident."),
            ),
            min_occurs=1,
        ),
    ),
    content=Content.CHOICE,
    max_occurs=UNBOUNDED,
)
