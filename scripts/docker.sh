# Sourced by ./run-tests after bootstrap.sh: makes a Docker daemon answer for the
# docker backend's tests. When none answers, installs Debian's docker.io with
# apt-get (as root) and starts dockerd in the background, its log in
# .cache/dockerd.log; a trap stops what was started when the tests end. Without
# root or apt-get, the docker tests are skipped (and fail under CI=true).

docker_pid=""

docker_answers() {
    "$venv/bin/python" -c 'import docker; docker.from_env(timeout=5).ping()' >/dev/null 2>&1
}

stop_docker() {
    [ -n "$docker_pid" ] || return 0
    bootstrap_say "stopping the dockerd this run started (pid $docker_pid)"
    kill "$docker_pid" 2>/dev/null || true
    i=0
    while kill -0 "$docker_pid" 2>/dev/null && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$docker_pid" 2>/dev/null || true
    docker_pid=""
}

ensure_docker() {
    docker_answers && return 0
    if [ "$(id -u)" != 0 ]; then
        bootstrap_say "no Docker daemon answers and this is not root: docker tests will be skipped"
        return 0
    fi
    if ! command -v dockerd >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        bootstrap_say "installing docker.io with apt-get (for the docker backend's tests)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
    fi
    if ! command -v dockerd >/dev/null 2>&1; then
        bootstrap_say "dockerd is not installed: docker tests will be skipped"
        return 0
    fi
    mkdir -p "$kit_root/.cache"
    bootstrap_say "starting dockerd (log: .cache/dockerd.log)"
    # A swarm task's image is looked up locally, never pulled (images here are built).
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd >"$kit_root/.cache/dockerd.log" 2>&1 &
    docker_pid=$!
    trap stop_docker EXIT
    trap 'stop_docker; exit 130' INT TERM
    deadline=$(( $(date +%s) + 60 ))
    until docker_answers; do
        if ! kill -0 "$docker_pid" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
            bootstrap_say "dockerd did not answer within 60 s; see .cache/dockerd.log"
            tail -5 "$kit_root/.cache/dockerd.log" >&2 || true
            stop_docker
            return 0
        fi
        sleep 0.2
    done
}
