#!/usr/bin/env bash
# A fleet to test on: `fleet.sh up` starts three local clusters beside the main one (up.sh three
# times, each with its own name, state, ports and KWOK nodes), and writes one kubeconfig,
# <repo>/.cluster/fleet.kubeconfig, with the contexts fleet-1, fleet-2, fleet-3 and hub: fleet-1's
# cluster, holding a ClusterProfile (multicluster.x-k8s.io/v1alpha1) for each of the three.
# `fleet.sh down` stops them. `fleet.sh stop N` stops one member's API server (partial failure).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && cd .. && pwd)
members=(1 2 3)
fleetconfig="$repo/.cluster/fleet.kubeconfig"
export PATH="$repo/.cluster/bin:$PATH"
unset KUBECONFIG

member() { MIMT_CLUSTER_NAME="mimt-fleet-$1" MIMT_CLUSTER_STATE="$repo/.fleet/$1" "${@:2}"; }

up() {
  local n configs=() started=$SECONDS
  for n in "${members[@]}"; do
    member "$n" "$here/up.sh"
    configs+=("$repo/.fleet/$n/kubeconfig")
  done
  local merged
  merged=$(KUBECONFIG=$(IFS=:; echo "${configs[*]}") kubectl config view --flatten)
  printf '%s\n' "$merged" >"$fleetconfig"
  chmod 600 "$fleetconfig"
  local kc=(kubectl --kubeconfig "$fleetconfig")
  for n in "${members[@]}"; do
    "${kc[@]}" config rename-context "kwok-mimt-fleet-$n" "fleet-$n" >/dev/null
  done
  "${kc[@]}" config set-context hub --cluster=kwok-mimt-fleet-1 --user=kwok-mimt-fleet-1 >/dev/null
  "${kc[@]}" config use-context fleet-1 >/dev/null
  local hub=("${kc[@]}" --context hub --request-timeout=20s)
  "${hub[@]}" apply -f "$here/fleet/clusterprofile-crd.yaml" >/dev/null
  "${hub[@]}" wait --for condition=established crd/clusterprofiles.multicluster.x-k8s.io --timeout=60s >/dev/null
  "${hub[@]}" create namespace fleet-inventory --dry-run=client -o yaml | "${hub[@]}" apply -f - >/dev/null
  for n in "${members[@]}"; do
    local server
    server=$("${kc[@]}" config view -o jsonpath="{.clusters[?(@.name==\"kwok-mimt-fleet-$n\")].cluster.server}")
    "${hub[@]}" apply -f - >/dev/null <<YAML
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ClusterProfile
metadata:
  name: cluster-$n
  namespace: fleet-inventory
  labels:
    x-k8s.io/cluster-manager: mimt-tests
spec:
  displayName: fleet-$n
  clusterManager:
    name: mimt-tests
YAML
    "${hub[@]}" patch clusterprofile "cluster-$n" -n fleet-inventory --subresource=status --type=merge \
      -p "{\"status\":{\"accessProviders\":[{\"name\":\"kubeconfig\",\"cluster\":{\"server\":\"$server\"}}]}}" >/dev/null
  done
  echo "fleet of ${#members[@]} clusters ready in $((SECONDS - started))s; kubeconfig: $fleetconfig"
}

down() {
  local n
  for n in "${members[@]}"; do member "$n" "$here/down.sh"; done
  rm -rf "$repo/.fleet" "$fleetconfig"
}

# Stops the API server of one member, leaving its kubeconfig entry: a cluster that is down.
stop() {
  local pids
  pids=$(pgrep -f -- "kube-apiserver.*$repo/.fleet/$1/" || true)
  [[ -n $pids ]] && kill $pids
  echo "fleet-$1's API server stopped"
}

case ${1:-} in
up) up ;;
down) down ;;
stop) stop "$2" ;;
*)
  echo "usage: fleet.sh up|down|stop N" >&2
  exit 2
  ;;
esac
