"""Typed failures of making, checking and importing bundles."""

from desktop_app.core.errors import EvidenceDeskError


class BundleNotAllowed(EvidenceDeskError):
    """The export would break a rule (depictions to a recipient the law does not allow)."""

    code = "bundle-not-allowed"


class BundleMalformed(EvidenceDeskError):
    """The bundle's tar stream or manifest is not what the format allows; nothing was kept."""

    code = "bundle-malformed"


class BundleContentMismatch(EvidenceDeskError):
    """The bundle opened but its contents do not match its manifest or signatures; nothing was kept."""

    code = "bundle-content-mismatch"
