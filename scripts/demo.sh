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

say "KWOK runs no containers: it serves each one's log from a file (CRI format) that a Logs object names"
logs="$root/.cluster/demo-logs" # lives as long as the cluster, so logs keep working after the demo
mkdir -p "$logs"
stamp() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%NZ; }
now=$(date -u +%s)
n=0
for pod in $(kubectl get pods -n acme -o jsonpath='{.items[*].metadata.name}'); do
  n=$((n + 1))
  printf '%s stdout F GET / 200 %dms\n%s stdout F GET /healthz 200 1ms\n' \
    "$(stamp $((now - 50 + n)))" $((10 + n)) "$(stamp $((now - 20 + n)))" >"$logs/$pod.web.log"
  printf '%s stdout F picked job %d\n%s stdout F job %d done\n' \
    "$(stamp $((now - 40 + n)))" $((40 + n)) "$(stamp $((now - 10 + n)))" $((40 + n)) >"$logs/$pod.worker.log"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Logs
metadata: {name: $pod, namespace: acme}
spec:
  logs:
    - {containers: [web], logsFile: $logs/$pod.web.log, follow: true}
    - {containers: [worker], logsFile: $logs/$pod.worker.log, follow: true}
YAML
done
# Pods that come later (the ReplicaSet replacing a deleted one) read these.
printf '%s stdout F started\n' "$(stamp "$now")" >"$logs/acme.new.log"
kubectl apply -f - >/dev/null <<YAML
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata: {name: demo-acme}
spec:
  selector: {matchNamespaces: [acme]}
  logs: [{logsFile: $logs/acme.new.log, follow: true}]
YAML

say "Every container of every pod of a tenant, merged in time order, each line prefixed pod/container"
show kubectl mimt logs acme

say "Only the worker containers' last line, as JSON objects, one per line"
show kubectl mimt logs acme -c worker --tail 1 -o json

say "Following: later lines appear as they come, new pods join (+) and deleted ones leave (-)"
printf '$ kubectl mimt logs acme -f --tail 0    # then Ctrl-C\n'
kubectl mimt logs acme -f --tail 0 &
follower=$!
sleep 3
first=$(kubectl get pods -n acme -o jsonpath='{.items[0].metadata.name}')
printf '%s stdout F GET /login 302 4ms\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" >>"$logs/$first.web.log"
sleep 2
kubectl delete pod -n acme "$first" --wait=false >/dev/null
sleep 5
kill -INT "$follower"
wait "$follower"

say "Isolation as data: what the policy of a tenant allows, and its quota used/hard"
show kubectl mimt policy show acme

say "Someone edits the quota by hand: diff shows the drift (exit 1), apply repairs it"
kubectl patch resourcequota mimt-quota -n acme --type=merge -p '{"spec":{"hard":{"requests.cpu":"100"}}}' >/dev/null
show kubectl mimt policy diff acme || show kubectl mimt policy apply acme

say "Open traffic from one tenant to another on purpose; audit reads it as intentional"
show kubectl mimt policy allow globex acme --port 8080
show kubectl mimt policy audit -A || echo "(exit code $?: 3 means a high-severity finding)"

say "A kubeconfig for a tenant user: works in its tenant, forbidden everywhere else"
show kubectl mimt policy kubeconfig acme --name jane --role edit --duration 1h --file "$work/jane.kubeconfig"
show kubectl --kubeconfig "$work/jane.kubeconfig" get deployments -n acme
show kubectl --kubeconfig "$work/jane.kubeconfig" get pods -n globex || echo "(exit code $?)"

say "A new chart version: first the plan (what it would change in each tenant, asked of the API server; exit 1: something would), then the rollout, two at a time, each tenant keeping its own values"
cp -r "$chart" "$work/webapp"
sed -i 's/^version: .*/version: 0.2.0/; s/^appVersion: .*/appVersion: "1.5.0"/' "$work/webapp/Chart.yaml"
show kubectl mimt install --all --chart "$work/webapp" --plan || echo "(exit code $?)"
show kubectl mimt install --all --chart "$work/webapp" --max-parallel 2

say "One tenant as a Tenant object, for scripts (fields in docs/tenancy-contract.md)"
show kubectl mimt ls acme -o yaml

say "Resource use per tenant against requests and quota"
# metrics-server needs two scrapes (about 40 s) before it reports a new pod.
for _ in $(seq 90); do
  measured=$(kubectl get --raw /apis/metrics.k8s.io/v1beta1/namespaces/globex/pods 2>/dev/null | grep -c '"containers"' || true)
  [[ $measured -ge 1 ]] && break
  [[ $_ -eq 1 ]] && echo "(waiting for metrics-server's first samples)"
  sleep 1
done
show kubectl mimt metrics --sort-by cpu
show kubectl mimt metrics acme --pods

say "The same figures in the Prometheus text format, for a scrape or a pushgateway"
kubectl mimt metrics -o prometheus | head -n 12

say "Park a tenant at zero pods, and bring it back exactly as it was"
show kubectl mimt suspend initech
show kubectl mimt ls
show kubectl mimt resume initech

say "The object graph of a tenant, and what happened to it (kubectl events' way)"
show kubectl mimt graph acme
show kubectl mimt events acme --types Warning || true

say "A listing costs a fixed number of API requests, whatever the number of tenants (-v=1 says how many)"
show kubectl mimt ls -v=1 -o name

say "mimt deletes only what it can prove it owns"
show kubectl mimt uninstall kube-system --yes || echo "(exit code $?)"

say "Bad input gets one line and exit code 2, before any request"
show kubectl mimt ls Not_A_Tenant || echo "(exit code $?)"

printf '\nThe cluster keeps running: KUBECONFIG=%s kubectl mimt ls. Stop it with make cluster-down.\n' "$KUBECONFIG"
