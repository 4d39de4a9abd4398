// Breaks of the request thread's cheaper work (issue 17): the JSON log gathered per turn of the
// event loop and written synchronously, at most PIPE_BUF bytes a write (src/http/log-lines.ts), the
// access line put together without pino's generic path and the request's logger made when used
// (src/http/access-log.ts), the answers a connection owes followed with one shared listener
// (src/http/client-error.ts), a remembered caller copied field by field
// (src/service/cached-callers.ts), and the form parser reading names and values by their ranges
// (src/http/body/form-urlencoded.ts).

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
    id: 'access-line-without-bindings',
    guarantee: "the access line is the one pino writes for the request: the logger's bindings (pid, hostname) after its time",
    file: 'src/http/access-log.ts',
    find: '${Date.now()}${internals[pino.symbols.chindingsSym]},',
    replace: '${Date.now()},',
    tests: ['test/http/access-log.test.ts'],
  },
  {
    id: 'access-line-below-the-level',
    guarantee: "no access line is written below the logger's level",
    file: 'src/http/access-log.ts',
    find: "  if (!logger.isLevelEnabled('info')) return\n",
    replace: '  void logger\n',
    tests: ['test/http/access-log.test.ts'],
  },
  {
    id: 'request-logger-without-its-id',
    guarantee: "a route's own line carries the request's id, as Fastify's child logger's did",
    file: 'src/http/access-log.ts',
    find: 'this.#parent.child(this.#bindings, this.#options)',
    replace: 'this.#parent',
    tests: ['test/http/access-log.test.ts'],
  },
  {
    id: 'request-logger-made-below-the-level',
    guarantee: 'no child logger is made for a request that writes nothing through it (its debug line below the level)',
    file: 'src/http/access-log.ts',
    find: '    if ((LEVEL_VALUES[level] ?? Infinity) < threshold) return\n',
    replace: '    void threshold\n',
    tests: ['test/http/access-log.test.ts'],
  },
  {
    id: 'answered-requests-still-owed',
    guarantee: 'a malformed request after answered ones on a kept-alive connection is refused at once: answers already closed are not waited for',
    file: 'src/http/client-error.ts',
    find: "        response.on('close', answered)\n",
    replace: '        void answered\n',
    tests: ['test/http/parser-answers.test.ts'],
  },
  {
    id: 'recalled-caller-shared',
    guarantee: "a recalled caller is the request's own copy: what one request does to it never reaches the next",
    file: 'src/service/cached-callers.ts',
    find: '      return callerCopy(found.caller, found.key)\n',
    replace: '      return Object.assign(found.caller, { unconfirmedKey: found.key })\n',
    tests: ['test/service/cached-callers.test.ts'],
  },
  {
    id: 'form-escape-taken-for-ascii',
    guarantee: 'a form value whose escapes decode to bytes of 0x80 and above is read as strict UTF-8, not as one character a byte',
    file: 'src/http/body/form-urlencoded.ts',
    find: '      if (decoded >= 0x80) ascii = false\n',
    replace: '',
    tests: ['test/http/workflow-encodings.test.ts', 'test/http/body/form-urlencoded.test.ts'],
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
