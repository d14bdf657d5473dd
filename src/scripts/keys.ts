import { apiKeyProblem, apiKeys, createApiKey, revokeApiKey, type NewApiKey } from '../gateway/api-keys';
import { readDatabaseConfig, readLogLevel } from '../platform/config';
import { openDatabase } from '../platform/db/open';
import { ROLES, type Role } from '../platform/identity/principal';
import { createLogger } from '../platform/logger';
import { CITIZEN_FIELDS, LOOKUP_PURPOSES } from '../platform/population-api/purposes';

const USAGE = `Usage:
  npm run keys -- create --name <calling system> --role <${ROLES.join('|')}> [--purposes P1,P2] [--fields f1,f2]
  npm run keys -- revoke <key id>
  npm run keys -- list
Purposes: ${Object.keys(LOOKUP_PURPOSES).join(', ')} (default: every purpose).
Fields: ${CITIZEN_FIELDS.join(', ')} (default: every field the purposes allow).`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = args[index + 1];
  // A flag without its value must not fall back to the default: for --purposes and --fields that is "all".
  if (value === undefined || value.startsWith('--')) fail(`--${name} needs a value`);
  return value;
}

function list(text: string | undefined): string[] | null {
  return text === undefined
    ? null
    : text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** The key `create` was asked for, or exit 2 saying what is wrong. */
function newKey(args: string[]): NewApiKey {
  const name = option(args, 'name');
  const role = option(args, 'role');
  if (!name || !role) fail('create needs --name and --role');
  const key: NewApiKey = { name, role: role as Role, purposes: list(option(args, 'purposes')), fields: list(option(args, 'fields')) };
  const problem = apiKeyProblem(key);
  if (problem) fail(problem);
  return key;
}

function describe(key: { purposes?: string[] | null; fields?: string[] | null }): string {
  return `purposes: ${key.purposes?.join(',') ?? 'all'}\tfields: ${key.fields?.join(',') ?? 'all'}`;
}

/** `npm run keys`: API keys for other portals, stored hashed in the gateway's database. */
async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (!command || !['create', 'revoke', 'list'].includes(command)) fail('');
  const key = command === 'create' ? newKey(args) : undefined;
  if (command === 'revoke' && !args[0]) fail('revoke needs a key id');
  const database = await openDatabase(readDatabaseConfig(process.env), createLogger(readLogLevel(process.env) === 'debug' ? 'debug' : 'warn', { service: 'keys' }), 'dvc-keys');
  try {
    if (key) {
      const created = await createApiKey(database.db, key);
      process.stdout.write(`Created key ${created.id} (${key.role}; ${describe(key)}) for "${key.name}". Store it now; it is not shown again:\n${created.key}\n`);
    } else if (command === 'revoke') {
      const revoked = await revokeApiKey(database.db, args[0] as string);
      process.stdout.write(revoked ? `Revoked ${args[0]}.\n` : `No active key ${args[0]}.\n`);
      if (!revoked) process.exitCode = 1;
    } else {
      for (const stored of await apiKeys(database.db).find({}).sort({ createdAt: 1 }).toArray()) {
        process.stdout.write(`${stored._id}\t${stored.role}\t${stored.revokedAt ? 'revoked' : 'active'}\t${stored.createdAt.toISOString()}\t${describe(stored)}\t${stored.name}\n`);
      }
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
