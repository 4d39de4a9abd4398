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

/** Serialises an envelope; in XML its single key is the root element. */
export function renderEnvelope(envelope: Envelope, format: Format): string {
  return format === 'xml' ? XML_DECLARATION + xmlBuilder.build(envelope) : JSON.stringify(envelope)
}
