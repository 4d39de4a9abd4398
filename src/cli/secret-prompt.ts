// Asks for a secret at a terminal without echoing it: node:readline in raw mode, writing to a muted stream.

import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { FirehouseError } from '../domain/errors.js'

/**
 * Writes `prompt` to `output`, reads one line from `input` and resolves with it; nothing typed is
 * written back. readline puts a terminal in raw mode (so the terminal does not echo) and sends its
 * own echo to a stream that drops it. Ctrl-C, or Ctrl-D on an empty line, cancels.
 */
export function askHidden(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, prompt: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() })
  // Raw mode is on before the prompt shows, so nothing typed after it can be echoed.
  const reader = createInterface({ input, output: muted, terminal: true })
  output.write(prompt)
  return new Promise<string>((resolve, reject) => {
    const cancelled = () => reject(new FirehouseError('INVALID_ARGUMENT', 'Cancelled: no password was given'))
    reader.once('close', cancelled)
    reader.once('SIGINT', () => reader.close())
    reader.once('line', (line) => {
      reader.off('close', cancelled)
      reader.close()
      resolve(line)
    })
  }).finally(() => output.write('\n'))
}
