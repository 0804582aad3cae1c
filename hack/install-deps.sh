#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for the test suite: QEMU >= 8.2 (from bookworm-backports)
# plus the Debian packages the test guest is built from. Idempotent; as root it installs, otherwise it
# prints what to install and fails. The guest's qemu-guest-agent needs nothing here: build-test-guest.sh fetches
# it and copies the shared libraries it loads (glib, libudev, libnuma, liburing) from the host, where QEMU's own
# packages put them.
set -euo pipefail

qemu_ok() {
  command -v qemu-system-x86_64 >/dev/null 2>&1 || return 1
  # rom=off and file: migration URIs need QEMU >= 8.2
  local v; v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
  set -- $v
  [ "${1:-0}" -gt 8 ] || { [ "${1:-0}" -eq 8 ] && [ "${2:-0}" -ge 2 ]; }
}
# The real node (make image, make cluster NODE=kubelet, the kubelet end-to-end test): Debian's Docker (image builds
# only), containerd, runc, the CNI plugins, debootstrap (the image's base), iptables and conntrack (kube-proxy).
node_packages="docker.io containerd runc containernetworking-plugins debootstrap iptables conntrack"
node_ok() {
  command -v dockerd >/dev/null && command -v containerd >/dev/null && command -v runc >/dev/null \
    && [ -x /usr/lib/cni/bridge ] && command -v debootstrap >/dev/null && command -v iptables >/dev/null \
    && command -v conntrack >/dev/null
}
# Argo CD's health checks (deploy/argocd) are Lua 5.1, run by their tests with Debian's interpreter and cjson
health_packages="lua5.1 lua-cjson"
health_ok() { command -v lua5.1 >/dev/null && lua5.1 -e 'require "cjson"' 2>/dev/null; }
tools_ok() { command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ]; command -v cpio >/dev/null && command -v dpkg-deb >/dev/null; }

if qemu_ok && [ -x /bin/busybox ] && command -v cpio >/dev/null && node_ok && health_ok; then
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  cat >&2 <<MSG
Missing test dependencies. On Debian 12, as root:
  enable bookworm-backports, then
  apt-get install -t bookworm-backports qemu-system-x86 qemu-utils
  apt-get install busybox-static cpio
  apt-get install $node_packages $health_packages
(QEMU >= 8.2 is required: templating clones need memory-backend-file rom=off and file: migration.)
MSG
  exit 1
fi

# Reuse the mirror the machine's own sources name: no host is written into this repository.
if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uris=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  if [ -z "$uris" ]; then
    uris=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list)
  fi
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uris" \
    > /etc/apt/sources.list.d/bookworm-backports.sources
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends -t bookworm-backports qemu-system-x86 qemu-utils >/dev/null
apt-get install -y -qq --no-install-recommends busybox-static cpio >/dev/null
# no systemd needed: hack/image/build.sh and hack/node/up.sh start the daemons themselves
apt-get install -y -qq --no-install-recommends $node_packages $health_packages >/dev/null
health_ok || { echo "lua5.1 with cjson ($health_packages) still missing after install" >&2; exit 1; }
node_ok || { echo "the real node's packages ($node_packages) still missing after install" >&2; exit 1; }
qemu_ok || { echo "QEMU >= 8.2 still missing after install" >&2; exit 1; }
qemu-system-x86_64 --version | head -1
