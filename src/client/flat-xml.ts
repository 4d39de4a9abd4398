// A parser for the two flat XML shapes of the v4.1 API: <Root><a>text</a><b>text</b></Root>.

const DECLARATION = /^\uFEFF?\s*(?:<\?xml[^?]*\?>)?\s*/
const ROOT = /^<([A-Za-z_][\w.-]*)\s*>([\s\S]*)<\/\1\s*>\s*$/
const CHILD = /^\s*(?:<([A-Za-z_][\w.-]*)\s*>([^<]*)<\/\1\s*>|<([A-Za-z_][\w.-]*)\s*\/>)/
const ENTITY = /&(?:#x([0-9A-Fa-f]+)|#(\d+)|(lt|gt|amp|quot|apos));/g
const BARE_AMPERSAND = /&(?!(?:#x[0-9A-Fa-f]+|#\d+|lt|gt|amp|quot|apos);)/
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/**
 * A flat XML document: its root element's name and the text of each child element.
 *
 * @example
 * const doc: FlatXml = { root: 'Data', fields: { number_customergauge: '12' } }
 */
export interface FlatXml {
  root: string
  fields: Record<string, string>
}

/**
 * Parses `<?xml …?><Root><name>text</name>…</Root>`; undefined for anything else (nesting,
 * attributes, CDATA, a repeated child, a bad character reference). Text is entity-decoded.
 *
 * @example
 * parseFlatXml('<Error><Message>a &amp; b</Message><Code>300001</Code></Error>')
 * // { root: 'Error', fields: { Message: 'a & b', Code: '300001' } }
 */
export function parseFlatXml(text: string): FlatXml | undefined {
  const root = ROOT.exec(text.replace(DECLARATION, ''))
  if (!root) return undefined
  const fields: Record<string, string> = {}
  let rest = root[2]!
  while (rest.trim() !== '') {
    const child = CHILD.exec(rest)
    if (!child) return undefined
    const name = child[1] ?? child[3]!
    const value = decodeXmlText(child[2] ?? '')
    if (value === undefined || Object.hasOwn(fields, name)) return undefined
    fields[name] = value
    rest = rest.slice(child[0].length)
  }
  return { root: root[1]!, fields }
}

/**
 * Decodes the five predefined entities and numeric character references; undefined when a
 * reference names no Unicode character or a bare `&` is left.
 *
 * @example
 * decodeXmlText('caf&#xE9; &lt;3') // 'café <3'
 */
export function decodeXmlText(text: string): string | undefined {
  if (BARE_AMPERSAND.test(text)) return undefined
  let valid = true
  const decoded = text.replace(ENTITY, (_match, hex: string | undefined, decimal: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name]!
    const codePoint = hex === undefined ? Number(decimal) : parseInt(hex, 16)
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      valid = false
      return ''
    }
    return String.fromCodePoint(codePoint)
  })
  return valid ? decoded : undefined
}
