#!/usr/bin/env bash
# Builds Kubernetes' servers (kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy), kubectl and etcd from this folder's Go module into a cache outside the repo, keyed on
# go.mod + go.sum: a second run with the same files reuses the binaries in well under a second.
# Prints the binaries' folder on stdout (progress goes to stderr).
#   VMT_CACHE   cache root (default ~/.cache/vm-templating-operator)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n "s/^\tk8s.io\/kubernetes v\(1\.[0-9.]*\).*/\1/p" "$here/go.mod")
[ -n "$version" ] || { echo "build.sh: no k8s.io/kubernetes version in $here/go.mod" >&2; exit 1; }
key=$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-16)
cache=${VMT_CACHE:-$HOME/.cache/vm-templating-operator}
bin="$cache/kubernetes-v$version-$key/bin"
tools=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd)

complete() { for t in "${tools[@]}"; do [ -x "$bin/$t" ] || return 1; done; }
if complete; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "build.sh: no Go toolchain on PATH; install Go >= 1.24 (https://go.dev/doc/install), then run make cluster again" >&2; exit 1; }

# what a killed build left (SIGKILL skips the trap below)
rm -rf "$bin".partial.*
partial="$bin.partial.$$"
trap 'rm -rf "$partial"' EXIT
mkdir -p "$partial"
start=$(date +%s)
echo "build.sh: cold build of Kubernetes v$version + etcd into $bin (~7 min on 2 cores plus the module download, once per go.sum) ..." >&2
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$version -X k8s.io/component-base/version.gitMajor=${version%%.*}"
ldflags="$ldflags -X k8s.io/component-base/version.gitMinor=$(echo "$version" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=v$version"
cd "$here"
export GOFLAGS=-mod=mod CGO_ENABLED=0
(
  cd "$here"
  go mod download 2>&1 | sed 's/^/build.sh: /' >&2
  echo "build.sh: modules downloaded ($(( $(date +%s) - start )) s)" >&2
  for t in "${tools[@]}"; do
    case $t in etcd) pkg=go.etcd.io/etcd/server/v3 ;; *) pkg=k8s.io/kubernetes/cmd/$t ;; esac
    t0=$(date +%s)
    # -v names every package as it is compiled: count them so a long build shows it is alive
    go build -v -trimpath -ldflags "$ldflags" -o "$partial/$t" "$pkg" 2>&1 | awk -v t="$t" '
      /^#|\.go:[0-9]/ { print; fflush(); next }
      { n++; if (n % 200 == 0) { printf "build.sh:   %s: %d packages compiled\n", t, n; fflush() } }' >&2
    [ -x "$partial/$t" ] || { echo "build.sh: building $t failed (see above)" >&2; exit 1; }
    echo "build.sh: $t built ($(( $(date +%s) - t0 )) s)" >&2
  done
)
rm -rf "$bin"
mv "$partial" "$bin"
trap - EXIT
echo "build.sh: done in $(( $(date +%s) - start )) s" >&2
echo "$bin"
