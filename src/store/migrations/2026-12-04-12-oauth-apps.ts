// Connected apps (SPEC §10): OAuth2 clients of a tenant and the bearer tokens issued to them.

import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_apps')
    // The client_id: `fhc_` and random characters, shown in lists; never enough to use the app.
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) => col.notNull().references('tenants.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    // SHA-256 of the client secret (32 random bytes), hex. The secret itself is never stored.
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema.createIndex('oauth_apps_tenant').on('oauth_apps').columns(['tenant_id', 'created_at']).execute()

  await db.schema
    .createTable('oauth_tokens')
    // SHA-256 of the opaque token, hex: every request looks its token up by it.
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('app_id', 'text', (col) => col.notNull().references('oauth_apps.id'))
    .addColumn('tenant_id', 'text', (col) => col.notNull().references('tenants.id'))
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute()
  // Expired tokens are deleted by expiry when new ones are issued.
  await db.schema.createIndex('oauth_tokens_expiry').on('oauth_tokens').columns(['expires_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oauth_tokens').execute()
  await db.schema.dropTable('oauth_apps').execute()
}
