// Where the JSON log goes: standard output, the lines of one turn of the event loop handed over
// as one text (issue 17).
// pino's own destination (sonic-boom, asynchronous) appends each line to the text waiting for the
// write in flight and takes that text's UTF-8 length again on every line, which copies it whole:
// under load ~8 KB copied per request, a quarter of what the request thread allocated, and with
// its writes ~10 % of that thread's time. Gathered per turn, a line is copied once, and the turn's
// text is written with one system call. sonic-boom still does the writing (partial writes, EAGAIN
// on a full pipe), synchronously: an asynchronous write still in flight when the process exits is
// cut short, and a reader that falls behind slows the server rather than growing its memory.

import { Buffer } from 'node:buffer'
import pino from 'pino'

/**
 * The most one write hands over (PIPE_BUF on Linux): a write of at most this much to a pipe is
 * never interleaved with another process's, so the workers of `serve --workers N`, which share
 * standard output, never cut each other's lines.
 */
export const ATOMIC_WRITE_BYTES = 4096

/** What pino needs of a destination. */
export interface LineSink {
  write(line: string): void
}

/**
 * A sink that gathers the lines written during one turn of the event loop and hands them to
 * `destination` once the turn's I/O callbacks have run (setImmediate), as texts of whole lines of
 * at most ATOMIC_WRITE_BYTES (a longer line alone). `flush()` hands over what waits now, e.g.
 * before the process exits.
 */
export function gatherPerTurn(destination: LineSink): LineSink & { flush(): void } {
  let waiting: string[] = []
  let waitingBytes = 0
  let scheduled = false
  const handOver = (): void => {
    if (waiting.length === 0) return
    const text = waiting.length === 1 ? waiting[0]! : waiting.join('')
    waiting = []
    waitingBytes = 0
    destination.write(text)
  }
  const flush = (): void => {
    scheduled = false
    handOver()
  }
  return {
    write(line) {
      const bytes = Buffer.byteLength(line)
      if (waitingBytes + bytes > ATOMIC_WRITE_BYTES) handOver()
      waiting.push(line)
      waitingBytes += bytes
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush,
  }
}

let stdoutLines: LineSink | undefined

/**
 * The process's one sink to standard output, made on first use. At exit what waits is written
 * there and then: the lines of the last requests before a stop are not lost.
 */
export function standardOutputLines(): LineSink {
  if (stdoutLines) return stdoutLines
  const lines = gatherPerTurn(pino.destination({ dest: 1, sync: true }))
  process.once('exit', () => {
    try {
      lines.flush()
    } catch {
      // Standard output closed (its reader went away): nothing left to write to.
    }
  })
  stdoutLines = lines
  return lines
}
