// /assets/<name>: the board's stylesheet and scripts, from a fixed list (no path from the URL reaches the disk).

import { readFileSync } from 'node:fs'
import type { FastifyPluginAsync } from 'fastify'

const ASSETS: Record<string, string> = {
  'board.css': 'text/css; charset=utf-8',
  'live.js': 'text/javascript; charset=utf-8',
}

export const assetRoutes: FastifyPluginAsync = async (app) => {
  const bodies = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(new URL(`../assets/${name}`, import.meta.url))]))
  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const body = bodies.get(request.params.name)
    if (!body) return reply.callNotFound()
    return reply.type(ASSETS[request.params.name]!).send(body)
  })
}
