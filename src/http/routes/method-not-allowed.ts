// 300003 with `Allow` for the methods a path does not serve (instead of a 300002 "no such module").

import type { FastifyInstance } from 'fastify'
import { FirehouseError } from '../../domain/errors.js'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: readonly string[]): void {
  app.route({
    method: METHODS.filter((name) => !allowed.includes(name)),
    url,
    schema: { hide: true },
    handler: async () => {
      throw new FirehouseError('METHOD_NOT_ALLOWED', 'Method does not exist', { details: { allow: [...allowed] } })
    },
  })
}
