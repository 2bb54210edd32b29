# Sourced by ./lab and ./run-tests: makes sure .venv holds the kit and its
# dependencies. Re-installs when pyproject.toml is newer than the last install.
# Needs only python3 and git; on Debian without the venv module it installs
# python3-venv with apt-get (as root).

kit_root=$(cd "$(dirname "$0")" && pwd)
venv="$kit_root/.venv"
stamp="$venv/.labkit-installed"

bootstrap_say() { printf '[setup] %s\n' "$*" >&2; }

ensure_venv_module() {
    python3 -c 'import ensurepip, venv' 2>/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        bootstrap_say "installing python3-venv with apt-get"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
        bootstrap_say "python3 has no venv module; install python3-venv (Debian) and run again"
        exit 1
    fi
}

ensure_kit() {
    if [ -x "$venv/bin/lab" ] && [ -f "$stamp" ] && [ ! "$kit_root/pyproject.toml" -nt "$stamp" ]; then
        return 0
    fi
    if [ ! -x "$venv/bin/python" ]; then
        ensure_venv_module
        bootstrap_say "creating $venv"
        python3 -m venv "$venv" || { rm -rf "$venv"; exit 1; }
    fi
    bootstrap_say "installing the kit and its dependencies into .venv"
    log="$venv/pip-install.log"
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check -e "$kit_root[test]" >"$log" 2>&1; then
        cat "$log" >&2
        bootstrap_say "installing into .venv failed (the log above is kept in $log)"
        exit 1
    fi
    # Byte-compile once, so every `lab` starts fast even where bytecode writing is off.
    "$venv/bin/python" -m compileall -q "$kit_root/labkit" "$kit_root/checker" >/dev/null 2>&1 || true
    touch "$stamp"
}
