import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, startProcess, type RunningProcess } from './processes';
import { ROOT } from './root';

const SOURCE = join(ROOT, 'test/vcsim/main.go');
const CACHE = join(ROOT, '.cache/vcsim');
export const VCSIM_BINARY = join(CACHE, 'vcsim');

/**
 * Builds test/vcsim/main.go against Debian's govmomi (GOPATH mode) once; rebuilds only when the
 * source changes. The binary lives in the git-ignored .cache/vcsim.
 */
export async function buildVcsim(): Promise<string> {
  const digest = createHash('sha256').update(readFileSync(SOURCE)).digest('hex');
  const stamp = join(CACHE, 'main.go.sha256');
  if (existsSync(VCSIM_BINARY) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest)
    return VCSIM_BINARY;
  mkdirSync(CACHE, { recursive: true });
  const result = await runProcess('go', ['build', '-o', VCSIM_BINARY, './test/vcsim'], {
    cwd: ROOT,
    env: {
      GOPATH: '/usr/share/gocode',
      GO111MODULE: 'off',
      GOCACHE: join(ROOT, '.cache/go-build'),
      GOFLAGS: '',
    },
  });
  if (result.code !== 0) {
    throw new Error(
      `building vcsim failed (are golang-go and golang-github-vmware-govmomi-dev installed?):\n${result.stderr}`,
    );
  }
  writeFileSync(stamp, digest);
  return VCSIM_BINARY;
}

export interface VcsimOptions {
  datacenters?: number;
  clusters?: number;
  hostsPerCluster?: number;
  vmsPerHost?: number;
  tls?: boolean;
  certFile?: string;
  keyFile?: string;
}

export interface Vcsim {
  /** The SDK endpoint, e.g. https://127.0.0.1:41234/sdk */
  url: string;
  username: string;
  password: string;
  vms: number;
  hosts: number;
  process: RunningProcess;
  stop(): Promise<void>;
}

/** Starts govmomi's vcsim on a free loopback port with the given inventory. */
export async function startVcsim(options: VcsimOptions = {}): Promise<Vcsim> {
  const args = [
    `-dc=${options.datacenters ?? 1}`,
    `-cluster=${options.clusters ?? 1}`,
    `-host=${options.hostsPerCluster ?? 2}`,
    `-vm=${options.vmsPerHost ?? 2}`,
    `-tls=${options.tls ?? true}`,
    '-l=127.0.0.1:0',
  ];
  if (options.certFile) args.push(`-tlscert=${options.certFile}`, `-tlskey=${options.keyFile}`);
  const { process, match } = await startProcess(VCSIM_BINARY, args, {
    name: 'vcsim',
    ready: /^(\{.*"url".*\})$/m,
  });
  const info = JSON.parse(match[1]) as { url: string; username: string; vms: number; hosts: number };
  return {
    url: info.url,
    username: info.username,
    password: 'pass',
    vms: info.vms,
    hosts: info.hosts,
    process,
    stop: async () => {
      await process.stop();
    },
  };
}
