// A configuration error names the setting and what is wrong with it, never the credentials in its value.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadClientSettings, loadConfig } from '../../src/config.js'

const SECRET = 'S3cretPw'

function messageOf(load: () => unknown): string {
  try {
    load()
  } catch (error) {
    return (error as Error).message
  }
  assert.fail('the configuration was accepted')
}

test('a mistyped Redis or client URL is reported with its user info redacted, in every form of mistake', () => {
  const redisValues = [`redis//admin:${SECRET}@cache.internal:6379`, `redis:/admin:${SECRET}@cache`, `http://admin:${SECRET}@cache`, `admin:${SECRET}@cache:6379`, `redis://:${SECRET}@`]
  for (const value of redisValues) {
    const message = messageOf(() => loadConfig({ FIREHOUSE_REDIS_URL: value }))
    assert.match(message, /FIREHOUSE_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/, value)
    assert.ok(!message.includes(SECRET), `${value} → ${message}`)
    assert.match(message, /\*\*\*@/, 'says where the user info was')
  }
  const client = messageOf(() => loadClientSettings({ CG_API_URL: `ftp://admin:${SECRET}@firehouse.example`, CG_API_KEY: 'fh_x' }))
  assert.match(client, /CG_API_URL must be an http\(s\) URL/)
  assert.ok(!client.includes(SECRET), client)
})

test('values without user info are still quoted as given, so the mistake can be seen', () => {
  assert.match(messageOf(() => loadConfig({ PORT: 'eighty' })), /PORT must be an integer from 0 to 65535 \(got "eighty"\)/)
  assert.match(messageOf(() => loadConfig({ FIREHOUSE_REDIS_URL: 'redis//cache:6379' })), /\(got "redis\/\/cache:6379"\)/)
})
