// The installation's secrets (see the server_secrets migration): read by name.

import type { Kysely } from 'kysely'
import type { Database } from './database.js'

export async function findServerSecret(db: Kysely<Database>, name: string): Promise<string | null> {
  const row = await db.selectFrom('server_secrets').select('secret').where('name', '=', name).executeTakeFirst()
  return row?.secret ?? null
}
