#!/usr/bin/env bash
# Installs the Debian packages that vcc's end-to-end tests run for real, when any is missing:
#   golang-go + golang-github-vmware-govmomi-dev  build govmomi's vcsim (test/vcsim/main.go)
#   influxdb                                      InfluxDB 1.6 (v1 /write API)
#   victoria-metrics                              accepts the InfluxDB v2 /api/v2/write API
#   python3-pyvmomi                               VMware's Python SDK, an independent vSphere client
#   postgresql                                    the server the tests use when DATABASE_URL is unset
#   ansible + ansible-lint + python3-psycopg2     the ansible/ playbooks: run into a temporary root,
#                                                 linted, and the PostgreSQL role run for real
#   systemd                                       systemd-analyze verify checks the rendered units
#   libreoffice-calc-nogui + poppler-utils        the XLSX reports opened headless (CSV and PDF), the
#                                                 PDF's Summary page rendered by pdftoppm (charts drawn)
#   chromium                                      headless browser for the aggregator pages' tests,
#                                                 driven by playwright-core (/usr/bin/chromium)
#   prometheus                                    scrapes the apps' /metrics for the Grafana dashboards' test
# Uses sudo when not run as root. Prints what it does; does nothing when everything is present.
set -euo pipefail

packages=(golang-go golang-github-vmware-govmomi-dev influxdb victoria-metrics python3-pyvmomi postgresql
  ansible ansible-lint python3-psycopg2 systemd libreoffice-calc-nogui poppler-utils chromium prometheus)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all Debian packages present (${packages[*]})"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing missing Debian packages: ${missing[*]}"
echo "install-deps: apt-get update"
"${sudo[@]}" apt-get update -q
echo "install-deps: apt-get install -y ${missing[*]}"
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian's influxdb and postgresql packages start system services; the tests start their own
# servers on free ports, so a running system InfluxDB is harmless.
echo "install-deps: done"
