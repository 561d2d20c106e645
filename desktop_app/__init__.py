"""Evidence Desk: CyberTipline reporting, evidence preservation and safe review on the desktop."""

__version__ = "0.1.0"
APP_NAME = "Evidence Desk"
