import { apiKeys, createApiKey, revokeApiKey } from '../auth/api-keys';
import { ROLES, type Role } from '../auth/principal';
import { loadConfig } from '../config';
import { openDatabase } from '../db/open';
import { createLogger } from '../logger';

const USAGE = `Usage:
  npm run keys -- create --name <calling system> --role <${ROLES.join('|')}>
  npm run keys -- revoke <key id>
  npm run keys -- list`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

/** `npm run keys`: API keys for other portals, stored hashed in the gateway's database. */
async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (!command || !['create', 'revoke', 'list'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const name = option(args, 'name');
  const role = option(args, 'role');
  if (command === 'create' && (!name || !role || !ROLES.includes(role as Role))) {
    process.stderr.write(`create needs --name and --role (one of ${ROLES.join(', ')})\n${USAGE}\n`);
    process.exit(2);
  }
  if (command === 'revoke' && !args[0]) {
    process.stderr.write(`revoke needs a key id\n${USAGE}\n`);
    process.exit(2);
  }
  const config = loadConfig();
  const database = await openDatabase(config, createLogger('warn', { service: 'keys' }));
  try {
    if (command === 'create') {
      const { key, id } = await createApiKey(database.db, name as string, role as Role);
      process.stdout.write(`Created key ${id} (${role}) for "${name}". Store it now; it is not shown again:\n${key}\n`);
    } else if (command === 'revoke') {
      const revoked = await revokeApiKey(database.db, args[0] as string);
      process.stdout.write(revoked ? `Revoked ${args[0]}.\n` : `No active key ${args[0]}.\n`);
      if (!revoked) process.exitCode = 1;
    } else {
      for (const key of await apiKeys(database.db).find({}).sort({ createdAt: 1 }).toArray()) {
        process.stdout.write(`${key._id}\t${key.role}\t${key.revokedAt ? 'revoked' : 'active'}\t${key.createdAt.toISOString()}\t${key.name}\n`);
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
