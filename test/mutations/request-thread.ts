// Breaks of the request thread's cheaper work (issue 17): the JSON log gathered per turn of the
// event loop and written synchronously, at most PIPE_BUF bytes a write (src/http/log-lines.ts), and
// the form parser reading names and values by their ranges (src/http/body/form-urlencoded.ts).

import type { Mutation } from './catalogue.js'

export const REQUEST_THREAD_MUTATIONS: Mutation[] = [
  {
    id: 'log-lines-written-one-by-one',
    guarantee: 'the log lines of one turn of the event loop reach standard output as one text, after the turn',
    file: 'src/http/log-lines.ts',
    find: '      waiting.push(line)\n',
    replace: '      destination.write(line)\n',
    tests: ['test/http/log-lines.test.ts'],
  },
  {
    id: 'log-lines-writes-unbounded',
    guarantee: "the log's writes hold whole lines of at most PIPE_BUF bytes, so processes sharing a pipe never cut each other's lines",
    file: 'src/http/log-lines.ts',
    find: '      if (waitingBytes + bytes > ATOMIC_WRITE_BYTES) handOver()\n',
    replace: '      void ATOMIC_WRITE_BYTES\n',
    tests: ['test/http/log-lines.test.ts'],
  },
  {
    id: 'log-lines-left-waiting-at-exit',
    guarantee: 'log lines written just before the process exits are on standard output',
    file: 'src/http/log-lines.ts',
    find: '      lines.flush()\n',
    replace: '      void lines\n',
    tests: ['test/http/log-lines.test.ts'],
  },
  {
    id: 'log-lines-written-asynchronously',
    guarantee: 'log lines written just before the process exits are on standard output whole, not cut by a write still in flight',
    file: 'src/http/log-lines.ts',
    find: '  const lines = gatherPerTurn(pino.destination({ dest: 1, sync: true }))\n',
    replace: '  const lines = gatherPerTurn(pino.destination({ dest: 1, sync: false }))\n',
    tests: ['test/http/log-lines.test.ts'],
  },
  {
    id: 'form-value-read-from-its-equals-sign',
    guarantee: 'a form body reads as the plain reading does: a value starts after the first = of its part',
    file: 'src/http/body/form-urlencoded.ts',
    find: "  const value = equals === end ? '' : decodeRange(bytes, equals + 1, end, where)\n",
    replace: "  const value = equals === end ? '' : decodeRange(bytes, equals, end, where)\n",
    tests: ['test/http/body/form-urlencoded.test.ts'],
  },
]
