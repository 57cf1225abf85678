#!/bin/sh
# Verifies the signature of a Pingshen envelope with the openssl CLI and
# POSIX tools only (docs/envelope.md explains each step).
# Usage: verify-envelope.sh ENVELOPE.json WORKDIR
# Expects the compact JSON that pingshen writes (one line, no spaces).
set -eu
env=$1
work=$2
mkdir -p "$work"

member() { sed -E "s/.*\"$1\":\"([^\"]*)\".*/\\1/" "$2"; }
b64url_decode() {
  s=$(printf %s "$1" | tr '_-' '/+')
  case $((${#s} % 4)) in
    2) s="$s==" ;;
    3) s="$s=" ;;
  esac
  printf %s "$s" | openssl base64 -d -A
}

protected=$(member protected "$env")
payload=$(member payload "$env")
signature=$(member signature "$env")

# 1. The JWS signing input is ASCII(protected "." payload), exactly as transmitted.
printf %s "$protected.$payload" >"$work/input"
b64url_decode "$protected" >"$work/header.json"
b64url_decode "$payload" >"$work/payload.json"
b64url_decode "$signature" >"$work/sig.raw"

# 2. The signer's certificate is the first x5c entry (standard base64 of DER).
alg=$(member alg "$work/header.json")
sed -E 's/.*"x5c":\["([^"]*)".*/\1/' "$work/header.json" | openssl base64 -d -A >"$work/leaf.der"
openssl x509 -inform DER -in "$work/leaf.der" -pubkey -noout >"$work/pub.pem"

# 3. ES256 and SM2SM3 signatures are r||s (32 + 32 bytes); openssl wants DER.
raw_to_der() {
  hex=$(od -An -v -tx1 "$work/sig.raw" | tr -d ' \n')
  r=$(printf %s "$hex" | cut -c1-64)
  s=$(printf %s "$hex" | cut -c65-128)
  printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' "$r" "$s" >"$work/sig.cnf"
  openssl asn1parse -genconf "$work/sig.cnf" -out "$work/sig.der" -noout
}

case $alg in
  RS256)
    openssl dgst -sha256 -verify "$work/pub.pem" -signature "$work/sig.raw" "$work/input" ;;
  ES256)
    raw_to_der
    openssl dgst -sha256 -verify "$work/pub.pem" -signature "$work/sig.der" "$work/input" ;;
  SM2SM3)
    raw_to_der
    openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678 \
      -pubin -inkey "$work/pub.pem" -in "$work/input" -sigfile "$work/sig.der" ;;
  *)
    echo "unknown alg $alg" >&2
    exit 2 ;;
esac
