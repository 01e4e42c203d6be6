#!/usr/bin/env bash
# Builds the release tarball that ansible/ installs: vcc-<version>.tar.gz in OUT_DIR (the first
# argument; default: the repository root),
# holding one folder vcc-<version>/ with the compiled apps (dist/apps, dist/libs), the production
# node_modules, the example configs, package.json, package-lock.json and the README.
# The production node_modules come from a copy of ./node_modules pruned of dev dependencies, so
# packaging needs no network: run `npm ci` first. Prints the tarball's path and size.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(node -p "require('./package.json').version")
name="vcc-$version"
out_dir=$(realpath "${1:-.}")
tarball="$out_dir/$name.tar.gz"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
release="$staging/$name"

echo "package: building $name"
npm run build --silent
mkdir -p "$release/dist" "$release/config"
cp -r dist/apps dist/libs dist/package.json "$release/dist/"
cp package.json package-lock.json README.md "$release/"
cp config/*.example.yaml "$release/config/"

echo "package: copying node_modules and pruning dev dependencies"
# A real copy, not hard links: npm rewrites files such as node_modules/.package-lock.json in place.
cp -a node_modules "$release/"
(cd "$release" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)

echo "package: writing $tarball"
tar -C "$staging" -czf "$tarball" "$name"
echo "package: $tarball ($(du -h "$tarball" | cut -f1), $(du -sh "$release" | cut -f1) unpacked)"
