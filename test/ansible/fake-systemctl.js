#!/usr/bin/env node
// Stands in for systemctl in the upgrade test (found first on PATH by Ansible's systemd_service
// module): answers `show` and `is-enabled` from a state file, and reports every other call to
// the test's recording controller, so that one log holds the API calls and the restarts in order.
'use strict';
const { existsSync, readFileSync, writeFileSync } = require('node:fs');

const [verb, unit] = process.argv.slice(2);
const stateFile = process.env.VCC_FAKE_SYSTEMCTL_STATE;
const state = existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : 'active';

if (verb === 'show') {
  process.stdout.write(`Id=${unit}.service\nLoadState=loaded\nActiveState=${state}\n`);
} else if (verb === 'is-enabled') {
  process.stdout.write('enabled\n');
} else {
  if (verb === 'stop') writeFileSync(stateFile, 'inactive');
  if (verb === 'start' || verb === 'restart') writeFileSync(stateFile, 'active');
  fetch(`${process.env.VCC_FAKE_SYSTEMCTL_RECORDER}/systemctl`, {
    method: 'POST',
    body: JSON.stringify(process.argv.slice(2)),
  }).then(
    (response) => process.exit(response.ok ? 0 : 1),
    () => process.exit(1),
  );
}
