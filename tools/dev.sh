#!/usr/bin/env bash
# Set up a Debian/Ubuntu machine for this project, then run a job.
#
#   bash tools/dev.sh pgtap [run_pgtap.py options]   the main job: pgTAP on a throwaway cluster
#   bash tools/dev.sh test                           everything CI runs
#   bash tools/dev.sh setup                          only install what is missing
#
# Setup is idempotent and skips what is already there: PostgreSQL 15, pgTAP and
# pg_prove from apt; the en_US.UTF-8 locale (Supabase's); a virtualenv in .venv
# with the project and its dev extras; the pinned Supabase CLI from
# package-lock.json. Works as root (CI) or as a user with sudo.
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

setup() {
    setup_apt
    setup_locale
    setup_python
    setup_node
}

run_all() {
    local failed=()
    step() {
        echo
        echo "==> $*"
        "$@" || failed+=("$*")
    }
    local pgtap=("$venv_python" tools/run_pgtap.py)
    step "$venv_python" tools/lint.py
    step "$venv_python" tools/check_migrations.py --strict
    # Both default-privilege modes, and both Vault variants (Supabase images
    # differ in whether service_role has Vault grants).
    for mode in legacy modern; do
        for vault in none granted; do
            step "${pgtap[@]}" --default-privileges "$mode" --service-role-vault "$vault" --parity --db-lint \
                --junit "junit-pgtap-$mode-vault-$vault.xml"
        done
        step "${pgtap[@]}" --default-privileges "$mode" --reset-with cli --db-lint
    done
    step "$venv_python" -m pytest -q
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
