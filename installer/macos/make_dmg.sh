#!/usr/bin/env bash
# Make "Evidence Desk.app" and a .dmg on macOS, signed and notarised when credentials are given.
#
#   installer/macos/make_dmg.sh                 # build, smoke-test, .app, unsigned .dmg (for testing)
#   SIGN_IDENTITY="Developer ID Application: Example Org (TEAMID)" \
#   NOTARY_PROFILE=evidence-desk-notary \
#   installer/macos/make_dmg.sh                 # the same, signed, notarised and stapled
#
# Run on the oldest macOS the release supports (the frozen Python and Qt need at least that
# version), on the architecture you ship (arm64; build again on x86_64 for Intel Macs).
# NOTARY_PROFILE names credentials stored once with
#   xcrun notarytool store-credentials evidence-desk-notary --apple-id ... --team-id ... --password ...
# so no password appears here or in the shell history.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

python3 packaging/build.py --no-deb          # build env from the locks, freeze (BUNDLE in the spec), smoke test
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' desktop_app/__init__.py)
app="dist/Evidence Desk.app"
dmg="dist/evidence-desk-$version-macos-$(uname -m).dmg"
[[ -d $app ]] || { echo "make_dmg: $app was not built" >&2; exit 1; }

if [[ -n ${SIGN_IDENTITY:-} ]]; then
    # Hardened runtime is required for notarisation. Python and Qt need no extra entitlements
    # (no JIT); sign inside-out: --deep is not used, as Apple advises.
    find "$app/Contents" -type f \( -name '*.so' -o -name '*.dylib' \) -print0 |
        xargs -0 codesign --force --timestamp --options runtime --sign "$SIGN_IDENTITY"
    for program in evidence-desk evidence-desk-gui; do
        codesign --force --timestamp --options runtime --sign "$SIGN_IDENTITY" "$app/Contents/MacOS/$program"
    done
    codesign --force --timestamp --options runtime --sign "$SIGN_IDENTITY" "$app"
    codesign --verify --strict --verbose=2 "$app"
fi

rm -f "$dmg"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"   # drag-to-install, no administrator rights needed for ~/Applications
hdiutil create -volname "Evidence Desk $version" -srcfolder "$staging" -fs HFS+ -format UDZO "$dmg"

if [[ -n ${SIGN_IDENTITY:-} ]]; then
    codesign --force --timestamp --sign "$SIGN_IDENTITY" "$dmg"
    if [[ -n ${NOTARY_PROFILE:-} ]]; then
        xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
        xcrun stapler staple "$dmg"
        spctl --assess --type open --context context:primary-signature --verbose "$dmg"
    fi
fi
shasum -a 256 "$dmg"
