#!/usr/bin/env bash
# make image: the operator/launcher image from src/main/docker/Dockerfile, with no registry to pull from.
#  1. a Debian bookworm base, `debootstrap --variant=minbase` piped into `docker import` (only when the local image
#     vmt-base:bookworm is missing; debootstrap uses the mirror this machine's own apt sources name),
#  2. the artifact (`mvn package`, when target/quarkus-app is missing),
#  3. the Dockerfile with Docker's legacy builder (no BuildKit here): its apt layer comes first, so a rebuild after a
#     Java change reuses it and only copies the artifact and records the launcher's AppCDS archive again,
#  4. `docker save` into the cache (once per image ID), the archive containerd imports (hack/cluster/kubelet-node.sh),
#     and the same for the pod sandbox image vmt-pause:1 (hack/image/pause.go, built once) beside it.
# Starts Debian's dockerd when none answers and stops it again on exit. Prints the archive's path on stdout.
#   VMT_IMAGE   the image name (default: deploy/deployment.yaml's)     VMT_CACHE   default ~/.cache/vm-templating-operator
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${VMT_CACHE:-$HOME/.cache/vm-templating-operator}
state="$cache/docker"
image=${VMT_IMAGE:-$(sed -n 's/^ *image: *//p' "$repo/deploy/deployment.yaml" | head -1)}
base=vmt-base:bookworm
# shellcheck source=hack/image/lib.sh
. "$here/lib.sh"
say() { echo "image: $*" >&2; }
[ "$(id -u)" = 0 ] || { say "needs root (dockerd, debootstrap); run it as root"; exit 1; }
docker=$(docker_bin)
[ -n "$docker" ] || { say "no docker client; run hack/install-deps.sh (Debian: apt-get install docker.io)"; exit 1; }

rootfs=""
cleanup() {
  local status=$?
  [ "$status" = 0 ] || say "failed (exit $status); dockerd's log: $state/dockerd.log"
  if [ -n "$rootfs" ] && [ -d "$rootfs" ]; then
    # debootstrap mounts proc and sys inside the target while it installs: an interrupted run leaves them
    grep -o " $rootfs/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$rootfs"
  fi
  docker_down "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$cache/image"
docker_up "$state"

# The Debian mirror this machine's apt uses for bookworm itself (deb822 .sources or one-line sources.list).
debian_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      { uri = ""; ok = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { split($i, u, " "); uri = u[2] }
          if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) ok = 1
        }
        if (ok && uri != "") { print uri; exit } }' "$f"
  done
  awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true
}

t0=$(date +%s)
if ! "$docker" image inspect "$base" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || { say "no debootstrap; run hack/install-deps.sh (Debian: apt-get install debootstrap)"; exit 1; }
  mirror=$(debian_mirror | sed -n 1p)
  [ -n "$mirror" ] || { say "no bookworm mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources; add one, then run make image again"; exit 1; }
  say "base $base: debootstrap --variant=minbase bookworm (once) ..."
  rootfs=$(mktemp -d "$cache/image/rootfs.XXXXXX")
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$cache/image/debootstrap.log" 2>&1 || {
    say "debootstrap failed; end of $cache/image/debootstrap.log:"; tail -15 "$cache/image/debootstrap.log" | sed 's/^/  | /' >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | "$docker" import -c 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
  rootfs=""
  say "base $base imported ($(( $(date +%s) - t0 )) s)"
fi

# containerd's pod sandbox image: our static pause (no registry to pull Kubernetes' own), once
pause_archive="$cache/image/vmt-pause.tar"
if [ ! -s "$pause_archive" ] || ! "$docker" image inspect vmt-pause:1 >/dev/null 2>&1; then
  command -v go >/dev/null || { say "no Go toolchain for the pause image; install Go >= 1.24, then run make image again"; exit 1; }
  pause_dir=$(mktemp -d)
  (cd "$pause_dir" && CGO_ENABLED=0 GOFLAGS= go build -trimpath -ldflags "-s -w" -o pause "$here/pause.go")
  tar -C "$pause_dir" -c pause | "$docker" import -c 'ENTRYPOINT ["/pause"]' - vmt-pause:1 >/dev/null
  rm -rf "$pause_dir"
  "$docker" save -o "$pause_archive.partial" vmt-pause:1
  mv "$pause_archive.partial" "$pause_archive"
  say "pause image vmt-pause:1 built"
fi

t1=$(date +%s)
[ -f "$repo/target/quarkus-app/quarkus-run.jar" ] && [ -x "$repo/target/vmt-clone-keeper" ] || (cd "$repo" && mvn -B -q package -DskipTests) >&2
t2=$(date +%s)
# the legacy builder's output names each step and whether its cache was used: kept in a log, summarised
if ! DOCKER_BUILDKIT=0 "$docker" build --build-arg "BASE=$base" -f "$repo/src/main/docker/Dockerfile" -t "$image" "$repo" \
    > "$cache/image/build.log" 2>&1; then
  say "docker build failed; end of $cache/image/build.log:"; tail -25 "$cache/image/build.log" | sed 's/^/  | /' >&2; exit 1
fi
cached=$(grep -c 'Using cache' "$cache/image/build.log" || true)
id=$("$docker" image inspect -f '{{.Id}}' "$image")
size=$("$docker" image inspect -f '{{.Size}}' "$image")
say "$image built in $(( $(date +%s) - t2 )) s ($cached steps from cache), $(( size / 1048576 )) MiB"

archive="$cache/image/$(echo "$image" | tr '/:' '__')-$(echo "${id#sha256:}" | cut -c1-16).tar"
if [ ! -s "$archive" ]; then
  "$docker" save -o "$archive.partial" "$image"
  mv "$archive.partial" "$archive"
  # older archives of this image are of no use any more
  find "$cache/image" -maxdepth 1 -name "$(echo "$image" | tr '/:' '__')-*.tar" ! -path "$archive" -delete
fi
say "done in $(( $(date +%s) - t0 )) s (package $(( t2 - t1 )) s): $archive"
echo "$archive"
