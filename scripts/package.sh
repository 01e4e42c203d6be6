#!/usr/bin/env bash
# Builds the release tarball that ansible/ installs: vcc-<version>.tar.gz in the folder given as
# the first argument (default: the repository root), holding one folder vcc-<version>/ with the
# compiled apps (dist/apps, dist/libs), the production node_modules, the example configs,
# package.json, package-lock.json and the README. The production node_modules are
# ./node_modules pruned of dev dependencies, so packaging needs no network: run `npm ci` first.
# Prints the tarball's path and size. It packs dist/ as it is: `npm run package` builds first.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(node -p "require('./package.json').version")
name="vcc-$version"
out_dir=$(realpath "${1:-.}")
tarball="$out_dir/$name.tar.gz"
# Inside the repository: node_modules is hard-linked into it, which needs the same file system.
staging=$(mktemp -d "$PWD/.package.XXXXXX")
trap 'rm -rf "$staging"' EXIT
release="$staging/$name"

[ -f dist/apps/controller/main.js ] || { echo "package: dist/ is missing: run npm run build" >&2; exit 1; }
echo "package: packing $name"
mkdir -p "$release/dist" "$release/config"
cp -r dist/apps dist/libs dist/package.json "$release/dist/"
cp package.json package-lock.json README.md "$release/"
cp config/*.example.yaml "$release/config/"

echo "package: linking node_modules and pruning dev dependencies"
# Hard links instead of a 400 MB copy: prune only unlinks files, except npm's hidden lockfile,
# which it rewrites in place, so that one file is a copy of its own.
cp -al node_modules "$release/"
rm "$release/node_modules/.package-lock.json"
cp node_modules/.package-lock.json "$release/node_modules/"
(cd "$release" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)

echo "package: writing $tarball"
tar -C "$staging" -czf "$tarball" "$name"
echo "package: $tarball ($(du -h "$tarball" | cut -f1), $(du -sh "$release" | cut -f1) unpacked)"
