# Functions shared by the image and node scripts (sourced): Debian's dockerd, started only when none answers.

# Debian's docker.io client (its API matches its dockerd); another `docker` on PATH may be a newer client only.
docker_bin() {
  if [ -x /usr/bin/docker ]; then echo /usr/bin/docker; else command -v docker; fi
}

# docker_up STATE_DIR: a dockerd that answers. Starts one in its own session when none does, and then writes
# STATE_DIR/dockerd.pid: only a dockerd started here is stopped by docker_down.
docker_up() {
  local state=$1 docker i
  docker=$(docker_bin)
  "$docker" info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null || { echo "image: no dockerd; run hack/install-deps.sh (Debian: apt-get install docker.io)" >&2; return 1; }
  mkdir -p "$state"
  setsid dockerd --pidfile "$state/dockerd.pidfile" > "$state/dockerd.log" 2>&1 < /dev/null &
  echo $! > "$state/dockerd.pid"
  for ((i = 0; i < 300; i++)); do
    "$docker" info >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$state/dockerd.pid")" 2>/dev/null || break
    sleep 0.2
  done
  echo "image: dockerd did not answer; end of $state/dockerd.log:" >&2
  tail -15 "$state/dockerd.log" | sed 's/^/  | /' >&2
  docker_down "$state"
  return 1
}

# docker_down STATE_DIR: stops the dockerd docker_up started (its containerd child with it), if any.
docker_down() {
  local state=$1 pid i
  [ -f "$state/dockerd.pid" ] || return 0
  pid=$(cat "$state/dockerd.pid")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 150; i++)); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$state/dockerd.pid"
  # the bridge it made for its default network outlives it
  ip link delete docker0 2>/dev/null || true
}
