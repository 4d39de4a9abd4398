// The checkpoint thread's body (see checkpoint-thread.ts): its own connection to the SQLite file,
// on which it copies the WAL back into the database file each time the writer thread asks, so the
// writer's commits never do.

import { parentPort, workerData } from 'node:worker_threads'
import { checkpointPassive, openCheckpointConnection } from '../store/wal-checkpoints.js'
import type { CheckpointRequest } from './checkpoint-thread.js'

const { file } = workerData as { file: string }
const port = parentPort!
const database = openCheckpointConnection(file)

port.on('message', (request: CheckpointRequest) => {
  if (request === 'close') {
    database.close()
    return port.close()
  }
  port.postMessage(checkpointPassive(database))
})
