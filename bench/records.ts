// Survey records for the benchmark: CG-IDs 1 … N, as service inputs (seeding) or NDJSON (import).

import type { SurveyRecordInput } from '../src/domain/survey-record.js'

const DATE = '2026-11-01T09:30:00Z'

/**
 * A seeded record. Every one is a detractor (NPS 0–6), so the import opens a case for each and the
 * load updates existing cases, as in production; the baseline's case-creation path stays cold.
 */
export function seedRecord(cgid: number): SurveyRecordInput {
  return {
    numberCustomergauge: cgid,
    nps: cgid % 7,
    comment: 'Slow delivery',
    account: `Account ${cgid % 1000}`,
    email: `customer${cgid}@example.com`,
    firstName: 'Ann',
    lastName: `Customer ${cgid}`,
    dateCreation: DATE,
    extra: {},
  }
}

/** One NDJSON line of an import file: NPS 0–10, so about two thirds open a case. */
export function importLine(cgid: number): string {
  return JSON.stringify({
    number_customergauge: cgid,
    nps: cgid % 11,
    comment: 'Slow delivery',
    account: `Account ${cgid % 1000}`,
    email: `customer${cgid}@example.com`,
    first_name: 'Ann',
    last_name: `Customer ${cgid}`,
    date_creation: DATE,
  })
}
