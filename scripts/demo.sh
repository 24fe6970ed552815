#!/usr/bin/env bash
# The demo behind `make demo`: a few tenants of the example chart on the local control plane, then
# each mimt command that exists, with one line before each on what you are seeing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export KUBECONFIG="$root/.cluster/kubeconfig"
export PATH="$root/dist/bin:$root/.cluster/bin:$PATH"
chart="$root/examples/charts/webapp"

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

# Until `kubectl mimt install` exists, tenants are made as the tenancy contract describes them:
# a namespace with mimt's labels and annotations, and a Helm release of the chart inside it.
tenant() {
  local name=$1 plan=$2
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: $name
  labels: {mimt.io/tenant: $name, app.kubernetes.io/managed-by: kubectl-mimt, plan: $plan}
  annotations: {mimt.io/chart: webapp, mimt.io/chart-version: "0.1.0", mimt.io/release: $name, mimt.io/profile: none}
YAML
  helm upgrade --install "$name" "$chart" -n "$name" --set plan="$plan" --wait --timeout 2m >/dev/null
  echo "tenant $name ($plan) installed"
}

say "Three customers, each with its own instance of the webapp chart in its own namespace"
tenant acme gold
tenant globex standard
tenant initech standard

say "Every tenant at a glance: chart, version, derived status and pod readiness"
show kubectl mimt ls

say "The wide view adds the Helm release, its revision, the isolation profile and quota use"
show kubectl mimt ls -o wide

say "Label selectors pick tenants the way kubectl users expect"
show kubectl mimt ls -l plan=gold

say "One tenant as a Tenant object, for scripts (fields documented in docs/tenancy-contract.md)"
show kubectl mimt ls acme -o yaml

say "A listing costs a fixed number of API requests, whatever the number of tenants (-v prints it)"
show kubectl mimt ls -v=1 -o name

say "Bad input gets one line and exit code 2, before any request"
show kubectl mimt ls Not_A_Tenant || echo "(exit code $?)"

printf '\nThe cluster keeps running: KUBECONFIG=%s kubectl mimt ls. Stop it with make cluster-down.\n' "$KUBECONFIG"
