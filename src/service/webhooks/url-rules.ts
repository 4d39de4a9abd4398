// A webhook URL's rules (SPEC §8): http(s), at most 2,048 characters, no user info, a public address.

import { FirehouseError } from '../../domain/errors.js'
import { isIpAddress, type AddressPolicy } from '../../domain/address-rules.js'
import { systemResolver, type HostResolver } from './settings.js'

export const MAX_URL_LENGTH = 2_048

/** What checking a URL needs: which addresses are allowed, and how names resolve. */
export interface UrlRules {
  policy: AddressPolicy
  resolveHost?: HostResolver
}

/** The URL, parsed, when it may be a webhook's; 300001 when it is no URL, 400300 when it is not allowed. */
export async function checkWebhookUrl(raw: string, rules: UrlRules): Promise<URL> {
  if (raw.length > MAX_URL_LENGTH) throw notAllowed(`longer than ${MAX_URL_LENGTH.toLocaleString('en')} characters`)
  if (!URL.canParse(raw)) throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: url is not an absolute URL')
  const url = new URL(raw)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw notAllowed('the scheme must be http or https')
  if (url.username !== '' || url.password !== '') throw notAllowed('user info is not allowed')
  if (url.hostname === '') throw notAllowed('no host')
  await checkHost(url.hostname, rules)
  return url
}

/**
 * 400300 unless every address of the host is allowed: an IP literal as written, a name as it
 * resolves now (a name that does not resolve is refused too).
 */
export async function checkHost(hostname: string, rules: UrlRules): Promise<void> {
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname
  if (isIpAddress(literal)) {
    const refusal = rules.policy.refusalOf(literal)
    if (refusal) throw notAllowed(`${literal} is a ${refusal} address`)
    return
  }
  const addresses = await (rules.resolveHost ?? systemResolver)(literal).catch(() => [])
  if (addresses.length === 0) throw notAllowed('the host name does not resolve')
  const refusal = addresses.map((entry) => rules.policy.refusalOf(entry.address)).find((kind) => kind !== null)
  if (refusal) throw notAllowed(`the host resolves to a ${refusal} address`)
}

function notAllowed(reason: string): FirehouseError {
  return new FirehouseError('WEBHOOK_URL_NOT_ALLOWED', `Webhook URL not allowed: ${reason}`)
}
