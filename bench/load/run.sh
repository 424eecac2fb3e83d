#!/usr/bin/env bash
# Load benchmark: officer queue, notification detail and API submission against a gunicorn server on
# PostgreSQL with 100,000 notifications, plus a bare /healthz in the same run.
#   bash bench/load/run.sh                 # 100,000 notifications, 20 users, 60 s
#   NOTIFICATIONS=20000 USERS=20 DURATION=30s bash bench/load/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
NOTIFICATIONS="${NOTIFICATIONS:-100000}"
USERS="${USERS:-20}"
DURATION="${DURATION:-60s}"
WORKERS="${WORKERS:-4}"
DB="${BENCH_DB:-bench_load}"
PORT="${BENCH_PORT:-8765}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export CARIBCLEAR_SECRET_KEY="bench-secret-key-not-for-production-0123456789"
export CARIBCLEAR_ALLOWED_HOSTS="127.0.0.1,localhost"
export CARIBCLEAR_SSL_REDIRECT=0 CARIBCLEAR_PLAIN_STATIC=1 CARIBCLEAR_TASKS_IMMEDIATE=0
export CARIBCLEAR_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
export CARIBCLEAR_LOG_LEVEL=WARNING
mkdir -p bench/results
PY=.venv/bin/python
$PY -m pip install --quiet -e . "locust>=2.30"

if [ "${REUSE_DB:-0}" != 1 ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB" -qc "CREATE DATABASE $DB"
  $PY manage.py migrate --no-input -v 0
  $PY bench/load/seed.py --notifications "$NOTIFICATIONS" --out bench/results/load-credentials.json
  psql -h 127.0.0.1 -U postgres -d "$DB" -qc "VACUUM ANALYZE"
fi

$PY manage.py collectstatic --no-input -v 0
# Production settings (DEBUG off) behind no TLS proxy: the redirect to HTTPS is switched off above.
$PY -m gunicorn caribclear.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --log-level warning \
  >bench/results/gunicorn.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

BENCH_CREDENTIALS=bench/results/load-credentials.json $PY -m locust -f bench/load/locustfile.py --headless \
  -u "$USERS" -r "$USERS" -t "$DURATION" --host "http://127.0.0.1:$PORT" --csv bench/results/load \
  --only-summary >bench/results/locust.log 2>&1 || true

$PY bench/load/report.py bench/results/load_stats.csv --notifications "$NOTIFICATIONS" --users "$USERS"
