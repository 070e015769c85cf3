#!/usr/bin/env bash
# The README's first command, run word for word as a new user would, as a smoke test: wait for the
# dashboard URL it prints, check the dashboard shows the DGX-2 with its 160 VFs, then stop the demo
# and check that nothing it started is left running. Runs before any system setup on purpose: the
# test pipeline generates files (the Prisma client) and installs packages the demo must not need.
# It runs in a new clone inside a 0700 directory, as root's home is: embedded PostgreSQL runs as the
# user postgres, who cannot enter it, and the demo must start there all the same.
set -euo pipefail
source_repo="$(cd "$(dirname "$0")/../.." && pwd)"
home="$(mktemp -d -t vfleet-demo-home.XXXXXX)"
chmod 0700 "$home"
git clone -q "$source_repo" "$home/vfleet"
cd "$home/vfleet"
repo="$(pwd)"
log="$(mktemp -t vfleet-demo-smoke.XXXXXX.log)"
wait_seconds="${DEMO_SMOKE_WAIT_SECONDS:-600}"
port="${PORT:-3000}"

fail() {
  echo "demo-smoke: FAILED: $*" >&2
  echo "demo-smoke: last lines of the demo's output:" >&2
  tail -n 40 "$log" >&2 || true
  exit 1
}

# Its own session and process group, so the stop below reaches everything the demo started.
PORT="$port" setsid bash -c 'npm install -g pnpm@10.34.8 && pnpm install && pnpm demo' >"$log" 2>&1 &
demo=$!
stop_demo() {
  if kill -0 "$demo" 2>/dev/null; then
    kill -TERM -- "-$demo" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$demo" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$demo" 2>/dev/null || true
  fi
}
trap stop_demo EXIT

url=""
for _ in $(seq 1 "$wait_seconds"); do
  url="$(sed -n 's/^ *dashboard: *\(http[^ ]*\).*/\1/p' "$log" | head -n 1 || true)"
  [ -n "$url" ] && break
  kill -0 "$demo" 2>/dev/null || fail "the demo exited before printing the dashboard URL"
  sleep 1
done
[ -n "$url" ] || fail "no dashboard URL within ${wait_seconds}s"
echo "demo-smoke: the demo printed $url"

# A demo with login prints an API token for scripts; send it when there is one.
token="$(sed -n 's/^ *VFLEET_TOKEN=\([^ ]*\)$/\1/p' "$log" | head -n 1 || true)"
auth=()
[ -z "$token" ] || auth=(-H "Authorization: Bearer $token")

# The agents report within seconds of the URL; give them a minute on a busy machine.
host_id=""
vfs=0
for _ in $(seq 1 60); do
  # Each step may find nothing yet (agents enroll after the URL is printed): never let pipefail end the script here.
  page="$(curl -fsS "${auth[@]}" "$url/" || true)"
  host_id="$(printf '%s' "$page" | grep -o 'data-testid="host-row-dgx2-01"[^>]*data-host-id="[^"]*"' | sed 's/.*data-host-id="\([^"]*\)"/\1/' | head -n 1 || true)"
  if [ -n "$host_id" ]; then
    vfs="$( (curl -fsS "${auth[@]}" "$url/hosts/$host_id" || true) | grep -o 'data-testid="vf-cell"' | wc -l || true)"
    [ "$vfs" -eq 160 ] && break
  fi
  sleep 1
done
[ -n "$host_id" ] || fail "the dashboard at $url does not list dgx2-01"
[ "$vfs" -eq 160 ] || fail "the dgx2-01 page shows $vfs VF cells, not 160"
echo "demo-smoke: the dashboard lists dgx2-01 and its page shows 160 VFs"

# Ctrl-C, as a user stops it: SIGINT to the demo's whole process group.
kill -INT -- "-$demo" 2>/dev/null || true
for _ in $(seq 1 300); do kill -0 "$demo" 2>/dev/null || break; sleep 0.2; done
kill -0 "$demo" 2>/dev/null && fail "the demo did not stop within 60 s of Ctrl-C"
trap - EXIT
sleep 1
# Where the demo's PostgreSQL kept its cluster: under the checkout, or (root, 0700 home) where its symlink points.
data="$(readlink -f "$repo/.vfleet/pg" || true)"
# A PostgreSQL finishing its shutdown checkpoint is not a leak: give it half a minute.
if [ -n "$data" ]; then
  for _ in $(seq 1 150); do pgrep -f -- "-D $data" >/dev/null || break; sleep 0.2; done
fi
# Anything still running from this checkout or on its cluster (control plane, agents, PostgreSQL) was leaked.
left="$( (pgrep -af -- "$repo"; [ -z "$data" ] || pgrep -af -- "-D $data") | grep -v -e "demo-smoke" -e "pgrep" -e ".ci/run" || true)"
if [ -n "$left" ]; then
  pkill -KILL -f -- "$repo/(node_modules|apps|packages)" || true
  fail "processes left running after the demo stopped:
$left"
fi
# The guests it defined in libvirtd go with it.
if command -v virsh >/dev/null && virsh -c qemu:///system version >/dev/null 2>&1; then
  guests="$(virsh -c qemu:///system list --all --name | grep -x -e dgx-guest -e guestVM -e win-gtx750 || true)"
  [ -z "$guests" ] || fail "the demo's guests are still defined in libvirtd: $guests"
fi
# The clone and its cluster go; the PostgreSQL binaries copied for the postgres user stay for the next run.
case "$data" in /var/lib/vfleet/data/*) rm -rf "$data" ;; esac
rm -rf "$home"
echo "demo-smoke: ok (from a clone in a 0700 directory; stopped by Ctrl-C; nothing left running)"
