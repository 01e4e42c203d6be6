// Runs vcc's embedded PostgreSQL (from the built dist/) for the e2e suite when no other server is
// available. Prints one JSON line {"url": ...} when ready; stops the server on SIGTERM/SIGINT.
// usage: node test/support/embedded-postgres-server.js <dataDir> <port>
const pino = require('pino');
const { EmbeddedPostgresServer } = require('../../dist/libs/database/embedded-postgres');

async function main() {
  const [dataDir, port] = process.argv.slice(2);
  const logger = pino({ level: 'warn' });
  const server = await EmbeddedPostgresServer.start(
    { dataDir, port: Number(port), timeoutSeconds: 60, database: 'postgres' },
    logger,
  );
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = () => server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`embedded PostgreSQL failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
