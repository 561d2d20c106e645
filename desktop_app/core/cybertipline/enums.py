"""The value lists of the CyberTipline schema (cybertipline-service.md §4).

These are interface values: the exact strings NCMEC's XSD enumerates, case and punctuation
significant. Order follows the XSD so a drift check diff reads naturally; forms may sort.
"""


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


INCIDENT_TYPES = (
    "Child Pornography (possession, manufacture, and distribution)",
    "Child Sex Trafficking",
    "Child Sex Tourism",
    "Child Sexual Molestation",
    "Misleading Domain Name",
    "Misleading Words or Digital Images on the Internet",
    "Online Enticement of Children for Sexual Acts",
    "Unsolicited Obscene Material Sent to a Child",
)

# Incident types whose very definition involves a child the report could help find.
INCIDENT_TYPES_WITH_A_VICTIM = frozenset(
    {
        "Child Sex Trafficking",
        "Child Sex Tourism",
        "Child Sexual Molestation",
        "Online Enticement of Children for Sexual Acts",
        "Unsolicited Obscene Material Sent to a Child",
    }
)

IP_CAPTURE_TYPES = ("Login", "Registration", "Purchase", "Upload", "Other", "Unknown")
ADDRESS_TYPES = ("Home", "Business", "Billing", "Shipping", "Technical")
PHONE_TYPES = ("Mobile", "Home", "Business", "Work", "Fax", "Internet", "Recovery")
EMAIL_TYPES = ("Home", "Work", "Business", "Recovery")
ASSOCIATED_ACCOUNT_TYPES = ("Billing", "Linked", "Business", "Creator", "Parent/Guardian", "Other")
BATCHED_REPORT_REASONS = ("VIRAL_POTENTIAL_MEME",)
FILE_RELEVANCE = ("Reported", "Supplemental Reported")
FILE_CLASSIFICATIONS = ("A1", "A2", "B1", "B2")
METADATA_TYPES = ("EXIF", "HASH")

# US states, DC and four territories as the XSD lists them; the empty string is a schema value too.
US_STATES = (
    "",
    *_codes(
        """
    AK AL AR AZ CA CO CT DC DE FL GA GU HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH
    NJ NM NV NY OH OK OR PA PR RI SC SD TN TX UT VA VI VT WA WI WV WY
    """
    ),
)

# ISO 3166-1 alpha-2 codes plus the legacy GeoIP pseudo-codes the XSD also accepts (A1, A2, O1, AP,
# EU, FX, AN, XK); the empty string is a schema value too.
COUNTRIES = (
    "",
    *_codes(
        """
    A1 A2 O1 AD AE AF AG AI AL AM AN AO AP AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM
    BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CX CW CY CZ DE DJ DK
    DM DO DZ EC EE EG EH ER ES ET EU FI FJ FK FM FO FR FX GA GB GD GE GF GG GH GI GL GM GN GP GQ GR
    GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP
    KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
    MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM
    ZW
    """
    ),
)

REPORT_ANNOTATIONS = (
    "sextortion",
    "csamSolicitation",
    "minorToMinorInteraction",
    "spam",
    "sadisticOnlineExploitation",
)
FILE_ANNOTATIONS = (
    "animeDrawingVirtualHentai",
    "potentialMeme",
    "viral",
    "possibleSelfProduction",
    "physicalHarm",
    "violenceGore",
    "bestiality",
    "liveStreaming",
    "infant",
    "generativeAi",
)
