"""The README a bundle carries: how to open and check it with standard tools, without our software."""

from desktop_app.core.bundles.layout import Profile

_TEXT = """\
Evidence Desk bundle (format evidence-desk-bundle/v1)
=====================================================

This bundle was exported from an Evidence Desk workspace. Profile: {profile}.
{profile_note}

1. Open it (the file you received is an age-encrypted tar stream, https://age-encryption.org):
       age -d -i your-key.txt bundle.age > bundle.tar      (or: age -d bundle.age, for a passphrase)
       mkdir bundle && tar -xf bundle.tar -C bundle
   Keep the decrypted copy only on a machine approved for this material.

2. Check who made it. manifest.json names the workspace's public key ("workspace" ->
   "verifier_key", a signed-note verifier key). Compare it with the key the sender gave you by
   another channel (phone, signed letter). manifest.sig is a signed note (c2sp.org/signed-note)
   over the text
       evidence-desk bundle manifest v1
       <SHA-256 of manifest.json in lower-case hex>
   made with that key (Ed25519).

3. Check every member. manifest.json lists each member with its size and SHA-256
   ("members"), and each evidence file with its MD5, SHA-1 and SHA-256 ("files"):
       sha256sum files/* report/* custody/log.json README.txt
       md5sum files/*; sha1sum files/*

4. Check the custody record. custody/log.json holds the workspace's latest signed checkpoint
   (c2sp.org/tlog-checkpoint, signed with the same key) and, for each custody-log entry about this
   report and its files, the entry's RFC 6962 leaf hash and an inclusion proof against that
   checkpoint (RFC 6962 section 2.1.1 / RFC 9162 section 2.1.3.2), plus the entry's content as the
   workspace records it. The proofs show the entries were in the log when the checkpoint was
   signed, so they cannot have been added or changed afterwards without the workspace's key.

The format is specified in full in Evidence Desk's docs/bundle-format.md; Evidence Desk's own
`evidence-desk bundle verify FILE --identity KEY` performs all of the above.
"""

_NOTES = {
    Profile.FULL_EVIDENCE: "It contains the evidence files themselves (files/), byte-exact as preserved.",
    Profile.HASH_ONLY: "It contains no depictions: only hashes and metadata of the files (files/ is absent).",
}


def readme_text(profile: Profile) -> str:
    """The README for a bundle of ``profile``."""
    return _TEXT.format(profile=profile, profile_note=_NOTES[profile])
