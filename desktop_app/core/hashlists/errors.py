"""Expected failures of hash-list work, each with a code and a message a reviewer can act on."""

from desktop_app.core.errors import EvidenceDeskError


class ListFileRefused(EvidenceDeskError):
    """The file is not a hash list of the format asked for (binary, too large, too deep, an XML bomb)."""

    code = "list-file-refused"


class ListMappingInvalid(EvidenceDeskError):
    """A column mapping that names no hash column, or a column the file does not have."""

    code = "list-mapping-invalid"


class ListNotFound(EvidenceDeskError):
    """No list of that name or id in this workspace."""

    code = "list-not-found"


class ListSettingsInvalid(EvidenceDeskError):
    """A list setting out of range (an empty name, a PDQ threshold above the ceiling)."""

    code = "list-settings-invalid"


class SuppressionReasonRequired(EvidenceDeskError):
    """Marking a match as not a match, or suppressing an entry, needs a reason for the custody log."""

    code = "suppression-reason-required"
