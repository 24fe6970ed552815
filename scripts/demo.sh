#!/usr/bin/env bash
# The demo behind `make demo`: tenants of the example chart on the local control plane, then each
# mimt command, with one line before each on what you are seeing. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export KUBECONFIG="$root/.cluster/kubeconfig"
export PATH="$root/dist/bin:$root/.cluster/bin:$PATH"
chart="$root/examples/charts/webapp"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
show() {
  printf '$ %s\n' "$*"
  "$@"
}

say "Three customers, each an isolated instance of the webapp chart in its own namespace"
show kubectl mimt install acme --chart "$chart" --profile strict --quota cpu=2,memory=2Gi --wait
show kubectl mimt install globex --chart "$chart" --set plan=gold --wait
show kubectl mimt install initech --chart "$chart" --owner group:initech-admins --wait

say "Installing again changes nothing: no new Helm revision"
show kubectl mimt install globex --chart "$chart" --set plan=gold

say "A release that fails leaves nothing behind: namespace, policy and release are removed again"
show kubectl mimt install broken --chart "$chart" --set service.port=0 || echo "(exit code $?)"

say "Every tenant at a glance: chart, version, derived status and pod readiness"
show kubectl mimt ls

say "The wide view adds the Helm release, its revision, the profile and requests against quota"
show kubectl mimt ls -o wide

say "A new chart version for every tenant on the chart, two at a time, each keeping its own values"
cp -r "$chart" "$work/webapp"
sed -i 's/^version: .*/version: 0.2.0/' "$work/webapp/Chart.yaml"
show kubectl mimt install --all --chart "$work/webapp" --max-parallel 2

say "One tenant as a Tenant object, for scripts (fields in docs/tenancy-contract.md)"
show kubectl mimt ls acme -o yaml

say "A listing costs a fixed number of API requests, whatever the number of tenants (-v=1 says how many)"
show kubectl mimt ls -v=1 -o name

say "mimt deletes only what it can prove it owns"
show kubectl mimt uninstall kube-system --yes || echo "(exit code $?)"

say "Bad input gets one line and exit code 2, before any request"
show kubectl mimt ls Not_A_Tenant || echo "(exit code $?)"

printf '\nThe cluster keeps running: KUBECONFIG=%s kubectl mimt ls. Stop it with make cluster-down.\n' "$KUBECONFIG"
