#!/usr/bin/env bash
# Deletes the local cluster "mimt", makes sure none of its processes survive, and removes the
# state in <repo>/.cluster/ except .cluster/bin (the symlinks into the binary cache) and
# up.sh's lock file.
# Idempotent: does nothing harmful when no cluster exists.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
state=${MIMT_CLUSTER_STATE:-$repo/.cluster}
name=${MIMT_CLUSTER_NAME:-mimt}

export PATH="$repo/.cluster/bin:$PATH"
export KWOK_WORKDIR="$state/kwok"
unset KUBECONFIG

if [[ -d "$KWOK_WORKDIR/clusters/$name" ]] && command -v kwokctl >/dev/null; then
  if ! out=$(kwokctl delete cluster --name "$name" --kubeconfig "$state/kubeconfig" </dev/null 2>&1); then
    echo "$out" >&2
    echo "down.sh: kwokctl delete cluster failed; stopping leftover processes" >&2
  fi
fi

# Every process the cluster runs has a path under its state directory on its command line. The
# fleet's clusters run the binaries of .cluster/bin too: they are not the main cluster's survivors.
survivors() {
  pgrep -af -- "$state/" | { if [[ $state == "$repo/.cluster" ]]; then grep -v -- "$repo/.fleet/"; else cat; fi; } |
    awk '{print $1}' | grep -vx "$$" || true
}
pids=$(survivors)
if [[ -n $pids ]]; then
  echo "down.sh: stopping leftover processes: $(echo $pids)" >&2
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 20); do
    pids=$(survivors)
    [[ -z $pids ]] && break
    sleep 0.5
  done
  [[ -n $pids ]] && { kill -KILL $pids 2>/dev/null || true; sleep 0.5; }
fi
pids=$(survivors)
if [[ -n $pids ]]; then
  echo "down.sh: processes still running: $(echo $pids)" >&2
  exit 1
fi

if [[ -d $state ]]; then
  find "$state" -mindepth 1 -maxdepth 1 ! -name bin ! -name .up.lock -exec rm -rf {} +
fi
echo "cluster $name is down"
