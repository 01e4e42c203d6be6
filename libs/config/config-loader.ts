import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { keyNotes } from './config-key.decorator';
import { applyTimeScale, TIME_SCALE_ENV } from './time-scale';

/** Every environment variable that configures vcc starts with this. */
export const ENV_PREFIX = 'VCC_';
/** Names the config file when `--config` is not given. */
export const CONFIG_FILE_ENV = `${ENV_PREFIX}CONFIG`;

type Environment = Record<string, string | undefined>;
type Plain = Record<string, unknown>;
type Kind = 'string' | 'number' | 'boolean' | 'list' | 'section' | 'value';

/** A configuration that cannot be used; the app prints `problems` and exits with code 2. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface LoadOptions {
  /** Path from `--config`; falls back to $VCC_CONFIG, then to no file (defaults and environment only). */
  file?: string;
  env?: Environment;
}

export interface KeyDescription {
  key: string;
  env: string;
  kind: Kind;
  defaultValue: unknown;
  doc?: string;
  secret: boolean;
}

/**
 * Loads one app's configuration: the YAML file, then environment overrides, then class-validator.
 * Every key `a.bKey` can be set by `VCC_A_B_KEY`, and read from a file by `VCC_A_B_KEY_FILE` or by
 * `bKeyFile: /path` in YAML. Throws ConfigError listing every bad key at once. Also sets the
 * process's time scale from $VCC_TEST_TIME_SCALE (see time-scale.ts).
 */
export function loadConfig<T extends object>(schema: ClassConstructor<T>, options: LoadOptions = {}): T {
  // The one place in vcc that reads the process environment.
  const env = options.env ?? process.env;
  const file = options.file ?? env[CONFIG_FILE_ENV];
  const problems: string[] = [];
  // Before any default is built or value checked: both may follow the time scale.
  const timeScaleProblems = [applyTimeScale(env[TIME_SCALE_ENV])].filter((p) => p !== undefined);
  const origin = new Map<string, string>();
  const raw = file ? readYamlFile(file) : {};
  const fileLabel = file ? `file ${file}` : 'defaults';

  applyOverrides(schema, raw, [], env, origin, problems, fileLabel);
  if (problems.length) throw new ConfigError([...timeScaleProblems, ...problems]);
  problems.push(...timeScaleProblems);

  const config = plainToInstance(schema, raw);
  const errors = validateSync(config, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  for (const error of errors) describeErrors(error, [], schema.prototype, origin, fileLabel, problems);
  if (problems.length) throw new ConfigError(problems.sort());
  return config;
}

/** Every key of a schema, depth first, for `--help` and the README's configuration reference. */
export function describeConfig(schema: ClassConstructor<object>, path: string[] = []): KeyDescription[] {
  const defaults = new schema() as Plain;
  return keysOf(schema).flatMap((key) => {
    const kind = kindOf(schema, key);
    const keyPath = [...path, key];
    if (kind === 'section') return describeConfig(sectionClass(schema, key), keyPath);
    const notes = keyNotes(schema.prototype, key);
    return [
      {
        key: keyPath.join('.'),
        env: envName(keyPath),
        kind,
        defaultValue: defaults[key],
        doc: notes.doc,
        secret: notes.secret ?? false,
      },
    ];
  });
}

export function envName(path: string[]): string {
  return ENV_PREFIX + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/**
 * The text of a regular file. Anything else is refused before it is opened: reading a FIFO or a
 * terminal would wait for a writer for ever.
 */
export function readRegularFile(file: string): string {
  const path = resolve(file);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new Error(
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message,
    );
  }
  if (!isFile) throw new Error('not a regular file');
  return readFileSync(path, 'utf8');
}

function readYamlFile(file: string): Plain {
  let text: string;
  try {
    text = readRegularFile(file);
  } catch (error) {
    throw new ConfigError([`config file ${file}: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new ConfigError([
      `config file ${file}: not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`,
    ]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([
      `config file ${file}: expected a mapping of keys at the top level, got ${typeof parsed}`,
    ]);
  }
  return parsed as Plain;
}

function keysOf(schema: ClassConstructor<object>): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

/**
 * A key's kind comes from its default value, or from its declared type when it has no default
 * (decorator metadata only records annotated types).
 */
function kindOf(schema: ClassConstructor<object>, key: string): Kind {
  const sample: unknown = (new schema() as Plain)[key];
  const type: unknown =
    sample !== undefined && sample !== null
      ? sample.constructor
      : Reflect.getMetadata('design:type', schema.prototype, key);
  if (type === String) return 'string';
  if (type === Number) return 'number';
  if (type === Boolean) return 'boolean';
  if (type === Array) return 'list';
  if (typeof type === 'function' && keysOf(type as ClassConstructor<object>).length > 0) return 'section';
  return 'value';
}

function sectionClass(schema: ClassConstructor<object>, key: string): ClassConstructor<object> {
  return ((new schema() as Plain)[key] as object).constructor as ClassConstructor<object>;
}

/**
 * Environment values and secret files are text: strings stay as written, everything else is read
 * as a YAML value. Text that is not YAML is a problem of its own, reported without the text (it
 * may be a secret) rather than handed on as a string to fail the key's other rules.
 */
function parseText(kind: Kind, text: string, key: string, source: string, problems: string[]): unknown {
  if (kind === 'string') return text;
  try {
    return parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    problems.push(`${key}: not a valid YAML value${where} in ${source}`);
    return undefined;
  }
}

function readSecretFile(file: string, key: string, problems: string[]): string | undefined {
  try {
    return readRegularFile(file).replace(/\r?\n$/, '');
  } catch (error) {
    problems.push(`${key}: cannot read file ${file}: ${(error as Error).message}`);
    return undefined;
  }
}

function applyOverrides(
  schema: ClassConstructor<object>,
  raw: Plain,
  path: string[],
  env: Environment,
  origin: Map<string, string>,
  problems: string[],
  fileLabel: string,
): void {
  for (const key of keysOf(schema)) {
    const keyPath = [...path, key];
    const dotted = keyPath.join('.');
    const variable = envName(keyPath);
    const kind = kindOf(schema, key);
    const fileKey = `${key}File`;

    // Precedence: VCC_<KEY>, then VCC_<KEY>_FILE, then the YAML file's `<key>File`, then its `<key>`.
    const value = env[variable];
    const fromEnvFile = env[`${variable}_FILE`];
    const fromYamlFile = raw[fileKey];
    delete raw[fileKey];
    if (value !== undefined) {
      raw[key] = parseText(kind, value, dotted, variable, problems);
      origin.set(dotted, variable);
    } else if (fromEnvFile !== undefined) {
      const text = readSecretFile(fromEnvFile, dotted, problems);
      if (text !== undefined) raw[key] = parseText(kind, text, dotted, `file ${fromEnvFile}`, problems);
      origin.set(dotted, `file ${fromEnvFile} (from ${variable}_FILE)`);
    } else if (fromYamlFile !== undefined && typeof fromYamlFile !== 'string') {
      problems.push(
        `${[...path, fileKey].join('.')}: must be a file path; got ${show(fromYamlFile)} from ${fileLabel}`,
      );
    } else if (typeof fromYamlFile === 'string') {
      const text = readSecretFile(fromYamlFile, dotted, problems);
      if (text !== undefined) raw[key] = parseText(kind, text, dotted, `file ${fromYamlFile}`, problems);
      origin.set(dotted, `file ${fromYamlFile} (${fileLabel}, key ${[...path, fileKey].join('.')})`);
    }
    if (kind === 'section') {
      const section = raw[key] ?? {};
      if (typeof section === 'object' && section !== null && !Array.isArray(section)) {
        applyOverrides(
          sectionClass(schema, key),
          section as Plain,
          keyPath,
          env,
          origin,
          problems,
          fileLabel,
        );
        if (raw[key] !== undefined || Object.keys(section).length > 0) raw[key] = section;
      }
    }
  }
}

function describeErrors(
  error: ValidationError,
  path: string[],
  prototype: object,
  origin: Map<string, string>,
  fileLabel: string,
  problems: string[],
): void {
  const keyPath = [...path, error.property];
  const dotted = keyPath.join('.');
  if (error.constraints) {
    const messages = Object.entries(error.constraints).map(([name, message]) =>
      name === 'whitelistValidation' ? 'is not a known key' : message.replace(`${error.property} `, ''),
    );
    const secret = keyNotes(prototype, error.property).secret;
    const seen =
      error.value === undefined ? 'it is not set' : `got ${secret ? '<redacted>' : show(error.value)}`;
    const from = origin.get(dotted) ?? (error.value === undefined ? undefined : fileLabel);
    // Keys inside list elements have no environment variable of their own.
    const inList = keyPath.some((part) => /^\d+$/.test(part));
    const hint = inList ? 'set it in the config file' : `set it in the config file or ${envName(keyPath)}`;
    const where = from ? ` from ${from}` : ` (${hint})`;
    problems.push(`${dotted}: ${messages.join('; ')}; ${seen}${where}`);
  }
  const nested =
    error.value && typeof error.value === 'object' ? Object.getPrototypeOf(error.value) : prototype;
  for (const child of error.children ?? []) {
    // Array elements appear as children named by index; their prototype is the element's.
    describeErrors(child, keyPath, nested ?? prototype, origin, fileLabel, problems);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
