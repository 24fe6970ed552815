#!/usr/bin/env bash
# Builds the local control-plane binaries (and krew, for the distribution tests; stern, for
# bench/scenarios/logs.ts) from the Go modules in test/cluster/<component>/ into a cache outside the
# checkout, keyed by component and version:
#   ${MIMT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mimt}/bin/<component>-<version>/<binary>
# then symlinks every binary into <repo>/.cluster/bin/.
# Only missing binaries are built; when everything is cached, go is not invoked at all.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache="${MIMT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mimt}/bin"
bindir="$repo/.cluster/bin"
logdir="$repo/.cluster/logs"

# <component folder> <module whose version keys the cache> <binary>=<package> ...
# Components are built one after another (2 cores: parallel builds only compete).
components=(
  "kubernetes k8s.io/kubernetes kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler kubectl=k8s.io/kubernetes/cmd/kubectl"
  "etcd go.etcd.io/etcd/server/v3 etcd=go.etcd.io/etcd/server/v3"
  "kwok sigs.k8s.io/kwok kwok=sigs.k8s.io/kwok/cmd/kwok kwokctl=sigs.k8s.io/kwok/cmd/kwokctl"
  "metrics-server sigs.k8s.io/metrics-server metrics-server=sigs.k8s.io/metrics-server/cmd/metrics-server"
  "helm helm.sh/helm/v4 helm=helm.sh/helm/v4/cmd/helm"
  "krew sigs.k8s.io/krew kubectl-krew=sigs.k8s.io/krew/cmd/krew validate-krew-manifest=sigs.k8s.io/krew/cmd/validate-krew-manifest"
  "stern github.com/stern/stern stern=github.com/stern/stern"
)

# Arguments name the components to build (e.g. `build.sh krew`); none builds them all.
if (( $# )); then
  wanted=()
  for entry in "${components[@]}"; do
    for name in "$@"; do [[ ${entry%% *} == "$name" ]] && wanted+=("$entry"); done
  done
  (( ${#wanted[@]} == $# )) || { echo "build.sh: unknown component in: $*" >&2; exit 1; }
  components=("${wanted[@]}")
fi

# Version of module $2 as required by $1/go.mod (replace lines are skipped).
modversion() {
  awk -v m="$2" '$0 !~ /=>/ { for (i = 1; i < NF; i++) if ($i == m && $(i+1) ~ /^v[0-9]/) { print $(i+1); exit } }' "$here/$1/go.mod"
}

# Extra -ldflags for a component: version stamps matching what upstream release builds set.
# $1 component, $2 version, $3 release date of the module version (RFC 3339, UTC).
ldflags_for() {
  local comp=$1 ver=$2 date=$3 flags="" p
  case $comp in
    kubernetes)
      local mm=${ver#v}; local major=${mm%%.*}; mm=${mm#*.}; local minor=${mm%%.*}
      for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        # gitCommit is unknown from the module proxy: empty rather than "$Format:%H$".
        flags+=" -X $p.gitVersion=$ver -X $p.gitCommit= -X $p.gitMajor=$major -X $p.gitMinor=$minor"
        flags+=" -X $p.gitTreeState=clean -X $p.buildDate=$date"
      done ;;
    metrics-server)
      flags+=" -X k8s.io/client-go/pkg/version.gitVersion=$ver -X k8s.io/client-go/pkg/version.gitCommit="
      flags+=" -X k8s.io/client-go/pkg/version.gitTreeState=clean"
      flags+=" -X k8s.io/client-go/pkg/version.buildDate=$date" ;;
    helm)
      flags+=" -X helm.sh/helm/v4/internal/version.version=$ver -X helm.sh/helm/v4/internal/version.gitTreeState=clean" ;;
    krew)
      flags+=" -X sigs.k8s.io/krew/internal/version.gitTag=$ver" ;;
    stern)
      flags+=" -X github.com/stern/stern/cmd.version=${ver#v}" ;;
    # etcd and kwok carry their version as constants in the source.
  esac
  printf '%s' "$flags"
}

buildflags="-trimpath -buildvcs=false"

mkdir -p "$cache" "$bindir" "$logdir"
# Serialise concurrent runs (two build.sh would build the same thing twice).
exec 9>"$cache/.lock"
flock 9

for entry in "${components[@]}"; do
  read -r comp mod specs <<<"$entry"
  ver=$(modversion "$comp" "$mod")
  if [[ -z $ver ]]; then
    echo "build.sh: cannot read the version of $mod from test/cluster/$comp/go.mod" >&2
    exit 1
  fi
  dest="$cache/$comp-$ver"
  # The folder is keyed by the version; a stamp of the build recipe (go.mod, go.sum, packages,
  # flags) inside it makes a changed recipe rebuild too, still without running go.
  stamp=$(cat "$here/$comp/go.mod" "$here/$comp/go.sum" <(echo "$entry $buildflags $(ldflags_for "$comp" "$ver" DATE)") |
    sha256sum | cut -c1-64)
  missing=0
  [[ $(cat "$dest/.stamp" 2>/dev/null) == "$stamp" ]] || missing=1
  for spec in $specs; do
    [[ -x "$dest/${spec%%=*}" ]] || missing=1
  done

  if (( missing )); then
    command -v go >/dev/null || { echo "build.sh: go is not on PATH" >&2; exit 1; }
    started=$SECONDS
    tmp=$(mktemp -d "$cache/.tmp-$comp-XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    pkgs=()
    for spec in $specs; do pkgs+=("${spec#*=}"); done
    log="$logdir/build-$comp.log"
    if ! (
      cd "$here/$comp"
      export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0
      # Release date of the module version: a deterministic build date.
      date=$(go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' "$mod")
      go build $buildflags -ldflags "-s -w$(ldflags_for "$comp" "$ver" "$date")" -o "$tmp/" "${pkgs[@]}"
    ) >"$log" 2>&1; then
      echo "build.sh: building $comp $ver failed; the end of $log:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
    for spec in $specs; do
      name=${spec%%=*}; pkg=${spec#*=}
      # go names a binary after the last path element, or the one before a /vN suffix.
      built=${pkg##*/}
      if [[ $built =~ ^v[0-9]+$ ]]; then built=${pkg%/*}; built=${built##*/}; fi
      [[ $built == "$name" ]] || mv "$tmp/$built" "$tmp/$name"
    done
    echo "$stamp" >"$tmp/.stamp"
    chmod 755 "$tmp"
    rm -rf "$dest"
    mv "$tmp" "$dest"
    trap - EXIT
    echo "$comp $ver: built in $((SECONDS - started))s"
  else
    echo "$comp $ver: cached"
  fi

  for spec in $specs; do
    ln -sfn "$dest/${spec%%=*}" "$bindir/${spec%%=*}"
  done
done
