#!/usr/bin/env node
// Launches the CLI through tsx so the TypeScript sources run without a build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/bin.ts')
