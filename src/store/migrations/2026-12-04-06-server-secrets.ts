// Secrets of the installation, kept in the database so every node of one deployment shares them:
// the key that signs the sync feed's cursors (SPEC §5).

import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('secret', 'text', (col) => col.notNull())
    .execute()
  // Made here, once per database: a node that starts later reads the same one.
  await db.insertInto('server_secrets').values({ name: 'feed_cursor', secret: randomBytes(32).toString('base64url') }).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('server_secrets').execute()
}
