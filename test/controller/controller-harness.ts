import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startApp, type RunningApp } from '../support/apps';

export const TOKENS = {
  admin: 'admin-token-for-e2e-0123456789abcdef0123',
  collector: 'collector-token-for-e2e-0123456789abcdef',
  reader: 'reader-token-for-e2e-0123456789abcdef012',
} as const;
export type Role = keyof typeof TOKENS;

export const ENCRYPTION_KEY = randomBytes(32).toString('base64');

/** Environment of a controller on `databaseUrl` with one token per role and fast membership timing. */
export function controllerEnv(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    VCC_DATABASE_URL: databaseUrl,
    VCC_SECRETS_ENCRYPTION_KEY: ENCRYPTION_KEY,
    VCC_AUTH_TOKENS: JSON.stringify(
      Object.entries(TOKENS).map(([role, token]) => ({ name: `e2e-${role}`, role, token })),
    ),
    VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: '2',
    VCC_MEMBERSHIP_MISSED_HEARTBEATS: '3',
    VCC_MEMBERSHIP_REAPER_INTERVAL_SECONDS: '1',
    VCC_MEMBERSHIP_BOUNDARY_MARGIN_SECONDS: '1',
    VCC_MEMBERSHIP_REGISTER_LIMIT_PER_MINUTE: '1000',
    ...extra,
  };
}

export function startController(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<RunningApp> {
  return startApp('controller', { env: controllerEnv(databaseUrl, extra) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are what the API sent; the tests' expectations check them
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** The secret each registration returned, by collector id, across every client and controller replica. */
export const collectorSecrets = new Map<string, string>();

/** The collector a collector-role call is about, when its path names one. */
function collectorOf(method: string, path: string): string | undefined {
  const match = /^\/api\/v1\/collectors\/([^/?]+)(\/heartbeat|\/credentials\/[^/?]+)?$/.exec(path);
  if (!match || match[1] === 'register' || (!match[2] && method !== 'DELETE')) return undefined;
  return decodeURIComponent(match[1]);
}

/**
 * A small JSON client for one controller, authenticating as `role` (or not at all). As a collector
 * it sends the secret of the collector the path names, as that collector's registration returned it,
 * unless `secret` says otherwise (null: none).
 */
export function client(baseUrl: string) {
  const call = async <T = Json>(
    method: string,
    path: string,
    options: {
      role?: Role | null;
      token?: string;
      body?: unknown;
      raw?: string;
      secret?: string | null;
    } = {},
  ): Promise<Reply<T>> => {
    const headers: Record<string, string> = {};
    const token = options.token ?? (options.role === null ? undefined : TOKENS[options.role ?? 'admin']);
    if (token) headers.authorization = `Bearer ${token}`;
    const about = options.role === 'collector' ? collectorOf(method, path) : undefined;
    const secret = options.secret === undefined ? about && collectorSecrets.get(about) : options.secret;
    if (secret) headers['x-collector-secret'] = secret;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    const registered = parsed as { collectorId?: unknown; secret?: unknown } | undefined;
    if (path === '/api/v1/collectors/register' && typeof registered?.secret === 'string')
      collectorSecrets.set(String(registered.collectorId), registered.secret);
    return { status: response.status, body: parsed as T, headers: response.headers, text };
  };
  return {
    call,
    get: <T = Json>(path: string, role: Role | null = 'admin') => call<T>('GET', path, { role }),
    post: <T = Json>(path: string, body?: unknown, role: Role | null = 'admin') =>
      call<T>('POST', path, { role, body }),
    put: <T = Json>(path: string, body?: unknown, role: Role | null = 'admin') =>
      call<T>('PUT', path, { role, body }),
    patch: <T = Json>(path: string, body?: unknown, role: Role | null = 'admin') =>
      call<T>('PATCH', path, { role, body }),
    delete: <T = Json>(path: string, role: Role | null = 'admin') => call<T>('DELETE', path, { role }),
    /** A collector's call with the secret given (null: none) instead of its own. */
    as: <T = Json>(secret: string | null, method: string, path: string, body?: unknown) =>
      call<T>(method, path, { role: 'collector', body, secret }),
  };
}
export type ControllerClient = ReturnType<typeof client>;

export function vcenterBody(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    sdkUrl: `https://${name}.example.com/sdk`,
    username: 'vcc@vsphere.local',
    password: `pw-${name}-${randomBytes(6).toString('hex')}`,
    ...extra,
  };
}

export async function connect(databaseUrl: string): Promise<Client> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  return db;
}

export async function epochs(db: Client): Promise<Record<string, number>> {
  const { rows } = await db.query<{ name: string; epoch: number }>(
    'SELECT name, epoch FROM vcenter ORDER BY name',
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.epoch]));
}

/**
 * The assignment invariant, read from the database: per vCenter, the active members' indices are
 * exactly 0..n-1 with each held once, each member holds as many as its weight, and every member's
 * published assignment has the vCenter's epoch, its group count and its indices (none while paused).
 */
export async function expectConsistentAssignment(db: Client): Promise<void> {
  const vcenters = (
    await db.query<{ id: string; name: string; epoch: number; enabled: boolean }>(
      'SELECT id, name, epoch, enabled FROM vcenter',
    )
  ).rows;
  const members = (
    await db.query<{
      id: string;
      weight: number;
      vcenter_id: string;
      group_indices: number[];
      assignment: Record<string, unknown>;
    }>(
      `SELECT id, weight, vcenter_id, group_indices, assignment FROM collector WHERE state = 'active' AND vcenter_id IS NOT NULL`,
    )
  ).rows;
  for (const vcenter of vcenters) {
    const own = members.filter((member) => member.vcenter_id === vcenter.id);
    const held = own.flatMap((member) => member.group_indices).sort((a, b) => a - b);
    expect({ vcenter: vcenter.name, held }).toEqual({ vcenter: vcenter.name, held: [...held.keys()] });
    for (const member of own) {
      expect(member.group_indices).toHaveLength(member.weight);
      expect(member.assignment).toMatchObject({
        vcenterId: vcenter.id,
        epoch: vcenter.epoch,
        groupCount: held.length,
        groupIndices: vcenter.enabled ? member.group_indices : [],
        paused: !vcenter.enabled,
      });
    }
  }
}

/**
 * Everything a request could write: row counts of every controller table, and the vCenter and
 * collector rows themselves. Equal before and after a rejected request means nothing was written.
 */
export async function databaseState(db: Client): Promise<Record<string, unknown>> {
  const tables = [
    'vcenter',
    'collector',
    'inventory_snapshot',
    'inventory_snapshot_shard',
    'inventory_vm',
    'inventory_host',
    'vcenter_event',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  }
  const vcenters = (await db.query('SELECT * FROM vcenter ORDER BY id')).rows;
  const collectors = (await db.query('SELECT * FROM collector ORDER BY id')).rows;
  return { counts, vcenters, collectors };
}
