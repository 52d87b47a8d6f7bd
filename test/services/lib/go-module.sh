# Build a Go program from a module the Go module proxy serves, once, into the project cache.
# Sourced by the service scripts (vault.sh, s3.sh); needs `go` on PATH.
#
#   go_module_build MODULE VERSION OUT [PATCH_FN] [PACKAGE]
#
# Downloads MODULE@VERSION (the go command checks it against the checksum database), copies it
# to a writable build directory (the module cache is read-only), calls PATCH_FN there (e.g. to
# drop `replace` directives that point at directories the module zip does not contain), then
# `go build`s PACKAGE (default `.`) to OUT. Module and build caches live under the project cache
# so a CI machine reuses them; `GO_BUILD_PARALLEL` (default 2) bounds the compile jobs, because
# these builds are large and the machine is shared.

go_module_build() {
  local module="$1" version="$2" out="$3" patch="${4:-}" package="${5:-.}"
  local cache="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}"
  command -v go >/dev/null || { echo "go is not installed: install Go 1.21+ first" >&2; return 1; }
  export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOFLAGS="-buildvcs=false -mod=mod"
  export GOTOOLCHAIN=local CGO_ENABLED=0
  local info dir work started
  started=$(date +%s)
  info="$(go mod download -json "$module@$version")" || return 1
  dir="$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || { echo "go mod download gave no directory for $module@$version" >&2; return 1; }
  work="$(dirname "$out")/src-$version"
  rm -rf "$work"
  mkdir -p "$(dirname "$out")"
  cp -r "$dir" "$work"
  chmod -R u+w "$work"
  (
    cd "$work"
    if [[ -n "$patch" ]]; then "$patch" || exit 1; fi
    go build -p "${GO_BUILD_PARALLEL:-2}" -trimpath -ldflags "-s -w" -o "$out.tmp" "$package"
  ) || { rm -f "$out.tmp"; return 1; }
  mv "$out.tmp" "$out"
  rm -rf "$work"
  echo "built $module@$version in $(($(date +%s) - started)) s: $out" >&2
}
