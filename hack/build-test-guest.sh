#!/usr/bin/env bash
# Builds the tiny guest the real-QEMU tests boot: two Debian kernels (cloud flavour for most tests, the generic
# flavour for vmgenid because only it has CONFIG_VMGENID=y) and a busybox-static initramfs whose /init talks
# over ttyS0. Nothing is installed: packages are fetched with `apt-get download` and unpacked with `dpkg -x`.
# The initramfs also carries Debian's qemu-guest-agent (with the shared libraries `ldd` names, taken from this
# host: QEMU's own packages bring them) and both kernels' virtio_pci/virtio_console modules; /init starts the
# agent only when QEMU gave the guest a virtio-serial port named org.qemu.guest_agent.0 (the GuestAgent freeze
# trigger adds it) and the kernel command line has no vmt.noqga.
#
# Output: <cache>/<key>/{vmlinuz-cloud,vmlinuz-generic,initrd.gz}; the directory is printed as the last line.
# <cache> is $VMT_GUEST_CACHE or $HOME/.cache/vmtemplating/guest (outside target/, so `mvn clean` keeps it);
# <key> hashes this script and the package versions, so a new kernel or a changed /init builds a new guest.
set -euo pipefail

cache=${VMT_GUEST_CACHE:-${HOME:-/root}/.cache/vmtemplating/guest}

candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/{print $2; exit}'; }
real_kernel() { apt-cache depends "$1" 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}'; }

# a fresh container has empty apt lists: refresh them once
if [ -z "$(candidate busybox-static)" ] || [ "$(candidate busybox-static)" = "(none)" ]; then
  apt-get update -qq >&2
fi

cloud_pkg=$(real_kernel linux-image-cloud-amd64)
generic_pkg=$(real_kernel linux-image-amd64)
[ -n "$cloud_pkg" ] && [ -n "$generic_pkg" ] || { echo "cannot resolve Debian kernel packages (apt-cache depends)" >&2; exit 1; }
versions="$cloud_pkg=$(candidate "$cloud_pkg") $generic_pkg=$(candidate "$generic_pkg") busybox-static=$(candidate busybox-static)"
versions="$versions qemu-guest-agent=$(candidate qemu-guest-agent)"
key=$( { cat "$0"; echo "$versions"; } | sha256sum | cut -c1-16)
out="$cache/$key"

built() { [ -f "$out/initrd.gz" ] && [ -f "$out/vmlinuz-cloud" ] && [ -f "$out/vmlinuz-generic" ]; }
if built; then
  echo "$out"
  exit 0
fi
# several test runs may share the cache: one builds, the others wait and reuse its result
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock -w 1200 9 || { echo "timed out waiting for another build of the test guest ($cache/.lock)" >&2; exit 1; }
if built; then
  echo "$out"
  exit 0
fi

command -v cpio >/dev/null || { echo "cpio missing: run hack/install-deps.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "building test guest ($versions) in $out" >&2
(cd "$work" && apt-get download -qq "$cloud_pkg" "$generic_pkg" busybox-static qemu-guest-agent >&2)
for pkg in "$cloud_pkg" "$generic_pkg" busybox-static qemu-guest-agent; do
  mkdir -p "$work/x-$pkg"
  dpkg -x "$work/${pkg}"_*.deb "$work/x-$pkg"
done

root="$work/root"
mkdir -p "$root"/{bin,dev,proc,sys,pattern,scratch,run,tmp,usr/sbin,var}
ln -s ../run "$root/var/run"
cp "$work/x-busybox-static/bin/busybox" "$root/bin/busybox"

# qemu-guest-agent and every shared object it loads (the dynamic loader included), at the paths ldd names
agent="$work/x-qemu-guest-agent/usr/sbin/qemu-ga"
libs=$(ldd "$agent") || { echo "ldd $agent failed" >&2; exit 1; }
if grep -q 'not found' <<<"$libs"; then
  echo "qemu-ga needs libraries this host lacks (run hack/install-deps.sh):" >&2
  grep 'not found' <<<"$libs" >&2
  exit 1
fi
cp "$agent" "$root/usr/sbin/qemu-ga"
for lib in $(grep -o '/[^ ]*' <<<"$libs"); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

# virtio_pci and virtio_console for each kernel, with their dependencies first (read from each module's
# depends= field: the package has no modules.dep); a kernel that builds one in needs no file for it
add_module() { # <package dir> <release> <module>
  local dir=$1 release=$2 name=$3 file dep
  grep -qx "$name" "$root/lib/modules/$release/load-order" 2>/dev/null && return 0
  file=$(find "$dir/lib/modules/$release/kernel" -name "$name.ko" | head -1)
  if [ -z "$file" ]; then
    grep -q "^CONFIG_$(tr a-z A-Z <<<"$name")=y" "$dir/boot/config-$release" && return 0
    echo "module $name missing from $dir (neither built in nor a .ko)" >&2
    return 1
  fi
  for dep in $(tr '\0' '\n' <"$file" | sed -n 's/^depends=//p' | tr , ' '); do
    add_module "$dir" "$release" "$dep"
  done
  mkdir -p "$root/lib/modules/$release"
  cp "$file" "$root/lib/modules/$release/$name.ko"
  echo "$name" >>"$root/lib/modules/$release/load-order"
}
for pkg in "$cloud_pkg" "$generic_pkg"; do
  release=${pkg#linux-image-}
  add_module "$work/x-$pkg" "$release" virtio_pci
  add_module "$work/x-$pkg" "$release" virtio_console
done
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o size=80m tmpfs /pattern
mount -t tmpfs -o size=300m tmpfs /scratch
# A virtio-serial controller (PCI 1af4:1003, or 1043 when modern-only) is there only under the GuestAgent trigger:
# other guests load no module and start no agent, so they stay as they were.
virtio_serial=
for d in /sys/bus/pci/devices/*; do
  [ "$(cat "$d/vendor")" = 0x1af4 ] && case "$(cat "$d/device")" in 0x1003|0x1043) virtio_serial=1 ;; esac
done
if [ -n "$virtio_serial" ]; then
  modules=/lib/modules/$(uname -r)
  for m in $(cat "$modules/load-order" 2>/dev/null); do insmod "$modules/$m.ko"; done
  # ports show up once the driver has heard from QEMU's control queue, a moment after insmod
  port=
  for i in $(seq 50); do
    for p in /sys/class/virtio-ports/*; do
      [ "$(cat "$p/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] && port=/dev/${p##*/}
    done
    [ -n "$port" ] && [ -e "$port" ] && break
    port=
    sleep 0.1
  done
  # vmt.noqga: a guest with the channel but no agent (the trigger's timeout test)
  if [ -n "$port" ] && ! grep -qw vmt.noqga /proc/cmdline; then
    /usr/sbin/qemu-ga -m virtio-serial -p "$port" -d -f /run/qemu-ga.pid -t /run
  fi
fi
# 64 MiB of random content in guest RAM: a clone reporting the same checksum restored the template's memory
dd if=/dev/urandom of=/pattern/p bs=1M count=64 2>/dev/null
exec </dev/ttyS0 >/dev/ttyS0 2>&1
stty -echo
echo "GUEST-READY sum=$(md5sum /pattern/p | cut -d' ' -f1)"
n=0
# Protocol: every line read gets one ANSWER line; "dirty N" first writes N MiB (so clones dirty pages),
# "poweroff" powers off. rnd comes from /dev/urandom: clones differ only if their RNG was reseeded (vmgenid).
while read -r line; do
  n=$((n+1))
  case "$line" in
    dirty\ *) dd if=/dev/urandom of=/scratch/d bs=1M count="${line#dirty }" 2>/dev/null ;;
    poweroff) poweroff -f ;;
  esac
  echo "ANSWER n=$n up=$(cut -d' ' -f1 /proc/uptime) sum=$(md5sum /pattern/p | cut -d' ' -f1) rnd=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n') cmd=$line"
done
INIT
chmod 0755 "$root/init"

mkdir -p "$out.tmp"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -6) >"$out.tmp/initrd.gz"
cp "$work/x-$cloud_pkg"/boot/vmlinuz-* "$out.tmp/vmlinuz-cloud"
cp "$work/x-$generic_pkg"/boot/vmlinuz-* "$out.tmp/vmlinuz-generic"
echo "$versions" >"$out.tmp/VERSIONS"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "$out"
