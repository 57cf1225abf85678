#!/usr/bin/env bash
# Vendors pdf.js (pdfjs-dist from the npm registry) for the document viewer.
# The files are committed; run this only to change the version.
set -euo pipefail
cd "$(dirname "$0")"
VERSION=6.5.438
SHA256=$(cat pdfjs/TARBALL.sha256 2>/dev/null || true)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL "https://registry.npmjs.org/pdfjs-dist/-/pdfjs-dist-$VERSION.tgz" -o "$tmp/pdfjs.tgz"
actual=$(sha256sum "$tmp/pdfjs.tgz" | cut -d' ' -f1)
if [ -n "$SHA256" ] && [ "$SHA256" != "$actual" ]; then
  echo "checksum mismatch: expected $SHA256, got $actual" >&2
  exit 1
fi
tar xzf "$tmp/pdfjs.tgz" -C "$tmp"
rm -rf pdfjs && mkdir -p pdfjs
# The legacy build carries the polyfills WebKitGTK may need.
cp "$tmp/package/legacy/build/pdf.min.mjs" "$tmp/package/legacy/build/pdf.worker.min.mjs" pdfjs/
cp -r "$tmp/package/cmaps" pdfjs/cmaps
cp "$tmp/package/LICENSE" pdfjs/LICENSE
echo "$actual" > pdfjs/TARBALL.sha256
echo "$VERSION" > pdfjs/VERSION
echo "pdf.js $VERSION vendored ($actual)"
