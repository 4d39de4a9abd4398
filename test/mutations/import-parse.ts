// Breaks of the import's cheaper reading (issue 17, target 4a): date-times read digit by digit
// (src/domain/date-time.ts), texts counted in code points only when their length could pass the
// bound (src/domain/workflow-input.ts), the CG-ID look-ups compiled once with the tenant bound per
// call (src/store/existing-cgids.ts, src/store/compiled-once.ts), and a case looked up only for
// records that existed.

import type { Mutation } from './catalogue.js'

export const IMPORT_PARSE_MUTATIONS: Mutation[] = [
  {
    id: 'utc-seconds-day-31-everywhere',
    guarantee: 'a YYYY-MM-DDThh:mm:ssZ date-time read digit by digit is refused on a day its month does not have, as the pattern refuses it',
    file: 'src/domain/date-time.ts',
    find: '  const exists = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59\n',
    replace: '  const exists = month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59\n',
    tests: ['test/domain/date-time.test.ts'],
  },
  {
    id: 'utc-seconds-ignores-seconds',
    guarantee: 'a YYYY-MM-DDThh:mm:ssZ date-time read digit by digit names the same instant as the pattern reads, seconds included',
    file: 'src/domain/date-time.ts',
    find: '  return { epochMs: midnightUtc(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000, hasTime: true, hasOffset: true }\n',
    replace: '  return { epochMs: midnightUtc(year, month, day) + (hour * 60 + minute) * 60 * 1000, hasTime: true, hasOffset: true }\n',
    tests: ['test/domain/date-time.test.ts'],
  },
  {
    id: 'compiled-shared-value-unbound',
    guarantee: "a value shared by a compiled template's rows (the tenant of a CG-ID look-up) is bound from each call's own value",
    file: 'src/store/compiled-once.ts',
    find: "      'row' in parameter ? rows[parameter.row]![parameter.name] : 'shared' in parameter ? shared![parameter.shared] : parameter.constant,\n",
    replace: "      'row' in parameter ? rows[parameter.row]![parameter.name] : 'shared' in parameter ? parameter.shared : parameter.constant,\n",
    tests: ['test/store/compiled-once.test.ts'],
  },
  {
    id: 'import-skips-case-look-up-of-existing-records',
    guarantee: 'an import looks up the cases of the records that existed before it, so a record with a case does not get a second one',
    file: 'src/service/import-records.ts',
    find: '    const withCase = await existingCaseIds(trx, tenantId, opening.filter((cgid) => existing.has(cgid)))\n',
    replace: '    const withCase = await existingCaseIds(trx, tenantId, opening.filter((cgid) => !existing.has(cgid)))\n',
    tests: ['test/service/import-records.test.ts'],
  },
  {
    id: 'code-points-counted-as-units',
    guarantee: 'a text longer than the bound in UTF-16 units is still counted in code points before it is refused (10,000 emoji are taken)',
    file: 'src/domain/workflow-input.ts',
    find: '  return text.length > max && codePointCount(text) > max\n',
    replace: '  return text.length > max\n',
    tests: ['test/domain/workflow-input.test.ts'],
  },
]
