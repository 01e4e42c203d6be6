#!/usr/bin/env node
// Writes an example koku-metrics-operator package for vcc's node uploads (see README "Node uploads"):
// three nodes of cluster example-cluster over the 24 hours of yesterday (UTC).
//   npm run build && node scripts/example-node-package.js [out.tar.gz]
// Then: curl -H "Authorization: Bearer $TOKEN" -F file=@out.tar.gz http://localhost:8082/api/ingress/v1/upload
const { hourlyRows, writeNodePackage } = require('../dist/test/support/node-package.js');

const out = process.argv[2] ?? 'node-package.tar.gz';
const today = new Date();
const yesterday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1));
const rows = () => [
  ...hourlyRows('master-0', 8, yesterday, 24, 'master'),
  ...hourlyRows('worker-0', 16, yesterday, 24),
  ...hourlyRows('worker-1', 16, yesterday, 24),
];
writeNodePackage(out, { clusterId: 'example-cluster', clusterName: 'example', rows }).then(
  (written) =>
    process.stdout.write(`${out}: manifest ${written.uuid}, ${written.rows} rows, ${written.bytes} bytes\n`),
  (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
