#!/usr/bin/env bash
# go-tool.sh DIR: builds the small Go test tool in DIR (hack/kstatus, hack/promtext: a main.go with its go.mod) into
# a cache outside the repo, keyed on its sources; prints the binary's path. A cached run takes milliseconds, a cold
# one a minute or two.
#   VMT_CACHE   cache root (default ~/.cache/vm-templating-operator)
set -euo pipefail
dir=$(cd "$1" && pwd)
name=$(basename "$dir")
key=$(cat "$dir/go.mod" "$dir/go.sum" "$dir/main.go" | sha256sum | cut -c1-16)
cache=${VMT_CACHE:-$HOME/.cache/vm-templating-operator}
bin="$cache/$name-$key/$name"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { echo "$name/build.sh: no Go toolchain on PATH; install Go >= 1.24" >&2; exit 1; }
mkdir -p "$(dirname "$bin")"
partial="$bin.partial.$$"
trap 'rm -f "$partial"' EXIT
(cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$partial" .)
mv "$partial" "$bin"
echo "$bin"
