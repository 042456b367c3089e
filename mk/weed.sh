#!/bin/sh
# Builds SeaweedFS's `weed` once, for the S3 tests (internal/weedtest), from
# the Go module proxy's copy of the module. `go install` refuses the module
# because of its replace lines, so the module is downloaded, copied to a
# writable folder and built there. The binary is cached outside the
# repository, where internal/weedtest looks for it:
#   ${XDG_CACHE_HOME:-~/.cache}/comite-weed-<version>/weed
# The source is copied to the same place every time, so that a rebuild
# finds its packages in Go's build cache. It never fails the build: when
# SeaweedFS cannot be built, it says so and the S3 tests skip with the same
# advice.
set -eu
VERSION=v0.0.0-20261109003541-7506e5f91cd6   # keep equal to weedtest.Version
GO=${GO:-go}
OUT="${XDG_CACHE_HOME:-$HOME/.cache}/comite-weed-$VERSION"
[ -x "$OUT/weed" ] && exit 0
fail() {
	echo "SeaweedFS $VERSION could not be built ($1): the S3 tests will be skipped." >&2
	echo "Retry with 'make weed', or build weed yourself and set COMITE_WEED=/path/to/weed." >&2
	exit 0
}
echo "Building SeaweedFS $VERSION for the S3 tests (once: up to half an hour on 2 busy cores)…" >&2
start=$(date +%s)
mkdir -p "$OUT" || fail "cache folder"
(cd "$OUT" && { [ -f go.mod ] || "$GO" mod init comite-weed-build >/dev/null 2>&1; } &&
	"$GO" mod download -json "github.com/seaweedfs/seaweedfs@$VERSION" >download.json) || fail "download"
dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' "$OUT/download.json")
[ -d "$dir" ] || fail "no module folder"
rm -rf "$OUT/src" && cp -r "$dir" "$OUT/src" && chmod -R u+w "$OUT/src" || fail "copy"
(cd "$OUT/src" && "$GO" build -trimpath -o "$OUT/weed.new" ./weed) || fail "go build"
mv "$OUT/weed.new" "$OUT/weed" && rm -rf "$OUT/src" || fail "install"
echo "SeaweedFS built in $(( $(date +%s) - start )) s: $OUT/weed" >&2
