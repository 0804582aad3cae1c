#!/usr/bin/env bash
# Builds hack/promtext (Prometheus' own text parser and client_golang's promlint) into a cache outside the repo, keyed
# on its sources; prints the binary's path. A cached run takes milliseconds, a cold one a minute.
#   VMT_CACHE   cache root (default ~/.cache/vm-templating-operator)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
key=$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)
cache=${VMT_CACHE:-$HOME/.cache/vm-templating-operator}
bin="$cache/promtext-$key/promtext"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { echo "promtext/build.sh: no Go toolchain on PATH; install Go >= 1.24" >&2; exit 1; }
mkdir -p "$(dirname "$bin")"
partial="$bin.partial.$$"
trap 'rm -f "$partial"' EXIT
(cd "$here" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$partial" .)
mv "$partial" "$bin"
echo "$bin"
