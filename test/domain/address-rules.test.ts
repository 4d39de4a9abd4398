// Which addresses a webhook may reach (SPEC §8): every kind the SPEC names is refused, IPv4 inside
// IPv6 is judged as IPv4, and the operator's CIDRs allow what they cover.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createAddressPolicy, isCidr, isIpAddress } from '../../src/domain/address-rules.js'

const REFUSED: [string, string][] = [
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['10.0.0.1', 'private'],
  ['172.16.5.4', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'link-local'],
  ['100.64.0.1', 'CGNAT'],
  ['100.127.255.254', 'CGNAT'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['0.0.0.0', 'unspecified'],
  ['255.255.255.255', 'reserved'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['ff02::1', 'multicast'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['0:0:0:0:0:ffff:a00:1', 'private'],
  ['64:ff9b::169.254.169.254', 'link-local'],
]
const ALLOWED = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '[2001:4860:4860::8888]']

test('every address kind the SPEC names is refused, IPv4 inside IPv6 included; public addresses are allowed', () => {
  const policy = createAddressPolicy([])
  for (const [address, kind] of REFUSED) assert.equal(policy.refusalOf(address), kind, address)
  for (const address of ALLOWED) assert.equal(policy.refusalOf(address), null, address)
  assert.equal(policy.refusalOf('localhost'), 'not an IP address')
})

test('FIREHOUSE_WEBHOOK_ALLOW_NETS: the CIDRs given are allowed, their neighbours still refused', () => {
  const policy = createAddressPolicy(['127.0.0.0/8', 'fd00::/8', '10.1.2.3'])
  assert.equal(policy.refusalOf('127.0.0.1'), null)
  assert.equal(policy.refusalOf('::ffff:127.0.0.2'), null)
  assert.equal(policy.refusalOf('fd00::5'), null)
  assert.equal(policy.refusalOf('10.1.2.3'), null)
  assert.equal(policy.refusalOf('10.1.2.4'), 'private')
  assert.equal(policy.refusalOf('fc00::1'), 'unique-local')
})

test('addresses and CIDRs are parsed strictly', () => {
  for (const good of ['1.2.3.4', '::', '1::', '::1.2.3.4', '2001:db8:0:0:0:0:0:1']) assert.equal(isIpAddress(good), true, good)
  for (const bad of ['1.2.3', '256.1.1.1', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '12345::', 'example.com', '']) assert.equal(isIpAddress(bad), false, bad)
  for (const good of ['127.0.0.0/8', '::1/128', '10.0.0.1']) assert.equal(isCidr(good), true, good)
  for (const bad of ['127.0.0.0/33', '::/129', '10.0.0.0/8/1', 'x/8']) assert.equal(isCidr(bad), false, bad)
})
