// Which addresses a webhook may reach (SPEC §8): public ones, and those the operator allows. Pure:
// addresses are parsed here, without node:net, so config can check CIDRs with the same code.

/** Ranges that are not public, each with the name a refusal gives it. */
const NOT_PUBLIC: readonly [cidr: string, kind: string][] = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'CGNAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['fc00::/7', 'unique-local'],
  ['ff00::/8', 'multicast'],
]

interface Range {
  family: 4 | 6
  base: bigint
  bits: number
}

/** Decides, for an address actually resolved or written, whether a webhook may connect to it. */
export interface AddressPolicy {
  /** Null when allowed; else why not ("loopback", "private" …). */
  refusalOf(address: string): string | null
}

const REFUSED = NOT_PUBLIC.map(([cidr, kind]) => ({ range: parseCidr(cidr)!, kind }))

/** `allowNets`: CIDRs (FIREHOUSE_WEBHOOK_ALLOW_NETS) whose addresses are allowed whatever their kind. */
export function createAddressPolicy(allowNets: readonly string[]): AddressPolicy {
  const allowed = allowNets.map((cidr) => {
    const range = parseCidr(cidr)
    if (!range) throw new Error(`not a CIDR: ${cidr}`)
    return range
  })
  return {
    refusalOf(raw) {
      const address = unwrapAddress(raw)
      if (!address) return 'not an IP address'
      if (allowed.some((range) => contains(range, address))) return null
      return REFUSED.find(({ range }) => contains(range, address))?.kind ?? null
    },
  }
}

/** True when a CIDR (or a bare address) is well formed. */
export function isCidr(text: string): boolean {
  return parseCidr(text) !== null
}

function parseCidr(text: string): Range | null {
  const [address, prefix, ...rest] = text.trim().split('/')
  if (rest.length > 0 || !address) return null
  const parsed = parseAddress(address)
  if (!parsed) return null
  const max = parsed.family === 4 ? 32 : 128
  const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1
  if (bits < 0 || bits > max) return null
  return { family: parsed.family, base: parsed.value, bits }
}

function contains(range: Range, address: { family: 4 | 6; value: bigint }): boolean {
  if (range.family !== address.family) return false
  const width = BigInt(range.family === 4 ? 32 : 128)
  const shift = width - BigInt(range.bits)
  return range.base >> shift === address.value >> shift
}

/**
 * The address as a number, IPv4 inside IPv6 unwrapped: `::ffff:a.b.c.d` (written either way) and
 * NAT64's `64:ff9b::a.b.c.d` reach the IPv4 address, so they are judged as it.
 */
function unwrapAddress(raw: string): { family: 4 | 6; value: bigint } | null {
  const parsed = parseAddress(raw)
  if (!parsed || parsed.family === 4) return parsed
  const high = parsed.value >> 32n
  if (high === 0xffffn || high === 0x64ff9b0000000000000000n) return { family: 4, value: parsed.value & 0xffffffffn }
  return parsed
}

function parseAddress(raw: string): { family: 4 | 6; value: bigint } | null {
  const text = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw
  // A zone (fe80::1%eth0) names an interface of this machine: judged by its address.
  const address = text.split('%')[0]!
  const v4 = ipv4Value(address)
  if (v4 !== null) return { family: 4, value: v4 }
  const v6 = ipv6Value(address)
  return v6 === null ? null : { family: 6, value: v6 }
}

/** True when the text is an IPv4 or IPv6 address (IPv6 possibly in brackets). */
export function isIpAddress(text: string): boolean {
  return parseAddress(text) !== null
}

function ipv4Value(address: string): bigint | null {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address)?.slice(1).map(Number)
  if (!parts || parts.some((part) => part > 255)) return null
  return parts.reduce((value, part) => (value << 8n) | BigInt(part), 0n)
}

function ipv6Value(address: string): bigint | null {
  let text = address
  // A trailing dotted quad is two groups.
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const v4 = ipv4Value(dotted[1]!)
    if (v4 === null) return null
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return null
  const groups = (part: string) => (part === '' ? [] : part.split(':'))
  const left = groups(halves[0]!)
  const right = halves.length === 2 ? groups(halves[1]!) : []
  const missing = 8 - left.length - right.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right]
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return null
  return all.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n)
}
