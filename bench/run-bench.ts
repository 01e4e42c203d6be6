/**
 * Runs a benchmark's main and, when it succeeds, writes what it printed into its section of
 * docs/benchmarks.md with the machine, date and commit, so that users see what to expect per node
 * from figures the bench wrote itself, not copied by hand. A failed run exits 1 and leaves the
 * document as it was.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..'); // dist/bench → the repository
const DOCUMENT = resolve(ROOT, 'docs/benchmarks.md');
const HEADER = `# Benchmarks

Written by the benchmarks themselves (\`npm run bench:<name>\`): each run that succeeds replaces its
section with what it printed, the machine, the date and the commit. Every figure is a ratio against a
limit measured in the same run (see each bench's first lines), because the machines these run on are
shared; the absolute times are there to show what to expect per node.
`;

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).length > 0;
    return dirty ? `${sha} with uncommitted changes` : sha;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function machine(): string {
  const cores = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  return `${cores[0]?.model.trim() ?? 'unknown CPU'} × ${cores.length} cores, ${gib} GiB, Node ${process.version}, load average ${load} at the start`;
}

/** The document with `name`'s section replaced by `section` (appended when new), sections sorted by name. */
export function withSection(document: string, name: string, section: string): string {
  const sections = new Map<string, string>();
  for (const part of document.split(/^(?=## npm run bench:)/m).slice(1)) {
    const key = /^## npm run bench:(\S+)/.exec(part)![1];
    sections.set(key, part.trimEnd());
  }
  sections.set(name, section.trimEnd());
  return `${HEADER}\n${[...sections.keys()]
    .sort()
    .map((key) => sections.get(key))
    .join('\n\n')}\n`;
}

export function runBench(name: string, main: () => Promise<void>): void {
  const started = new Date();
  const about = machine();
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  main().then(
    () => {
      const section = `## npm run bench:${name}\n\n${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit()}; ${about}.\n\n\`\`\`\n${printed.join('').trimEnd()}\n\`\`\`\n`;
      // Silently: the summary line stays the last line printed.
      mkdirSync(dirname(DOCUMENT), { recursive: true });
      writeFileSync(
        DOCUMENT,
        withSection(existsSync(DOCUMENT) ? readFileSync(DOCUMENT, 'utf8') : '', name, section),
      );
    },
    (error: unknown) => {
      process.stderr.write(`bench:${name} failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
