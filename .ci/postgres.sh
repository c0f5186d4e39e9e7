# Sourced by .ci/run: starts a local PostgreSQL (installing Debian's package if needed) and exports
# DUBAN_TEST_POSTGRES_URL so tests/store/backends.test.ts runs the store on it as well as on SQLite.
start_postgres() {
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local ver port
  ver=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
  if [ -z "$ver" ]; then
    ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_createcluster "$ver" main >/dev/null
  fi
  port=$(pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" {print $3}')
  pg_ctlcluster "$ver" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p "$port"
  if ! su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'duban'\"" | grep -q 1; then
    su postgres -c "psql -p $port -qc \"CREATE USER duban WITH PASSWORD 'duban' CREATEDB\""
  fi
  export DUBAN_TEST_POSTGRES_URL="postgresql://duban:duban@127.0.0.1:${port}/postgres"
}
