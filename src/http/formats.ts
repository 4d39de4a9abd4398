// JSON or XML, chosen by the path's extension, for every answer of a surface.

import { XMLBuilder } from 'fast-xml-parser'

export const FORMATS = ['json', 'xml'] as const
export type Format = (typeof FORMATS)[number]

export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
const xmlBuilder = new XMLBuilder({ format: false, processEntities: true, suppressEmptyNode: false })

/** A v4.1 envelope: one key (Data or Error) holding flat scalar fields. */
export type Envelope = Record<string, Record<string, string | number>>

/** XML for paths ending in .xml (any case), JSON for everything else. */
export function formatOfUrl(url: string): Format {
  const path = url.split('?', 1)[0] ?? ''
  return path.toLowerCase().endsWith('.xml') ? 'xml' : 'json'
}

// What XML 1.0 cannot carry, not even as a character reference: C0 controls but tab, LF and CR,
// lone surrogates, U+FFFE and U+FFFF. A message echoing such input (an invalid status) gets U+FFFD.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Surrogate}/gu

/** Serialises an envelope; in XML its single key is the root element. */
export function renderEnvelope(envelope: Envelope, format: Format): string {
  return format === 'xml' ? XML_DECLARATION + xmlBuilder.build(xmlSafe(envelope)) : JSON.stringify(envelope)
}

function xmlSafe(envelope: Envelope): Envelope {
  const safe: Envelope = {}
  for (const [root, fields] of Object.entries(envelope)) {
    safe[root] = Object.fromEntries(
      Object.entries(fields).map(([name, value]) => [name, typeof value === 'string' ? value.replace(NOT_XML_CHAR, '\uFFFD') : value]),
    )
  }
  return safe
}
