// Breaks of SPEC §9's workflow rules: where they are checked, what they read, who may change them.

import type { Mutation } from './catalogue.js'

export const WORKFLOW_RULES_MUTATIONS: Mutation[] = [
  {
    id: 'rules-not-checked',
    guarantee: 'every surface refuses a change the rules forbid (400205, 400204), and the refusal writes nothing',
    file: 'src/service/update-workflow.ts',
    find: '  checkRules(tenant.rules, before, result.next, input.comment, opened)\n',
    replace: '',
    tests: ['test/http/workflow-rules.test.ts'],
    testNamePattern: 'v4\\.1 json|board case form',
  },
  {
    id: 'rules-new-case-not-from-open',
    guarantee: 'a new case counts as coming from OPEN: progressive refuses creating it CLOSED',
    file: 'src/domain/workflow-rules.ts',
    find: "if (rules.progressive && from.status.phase === 'OPEN' && after.status.phase === 'CLOSED')",
    replace: "if (rules.progressive && before !== null && from.status.phase === 'OPEN' && after.status.phase === 'CLOSED')",
    tests: ['test/domain/workflow-rules.test.ts', 'test/http/workflow-rules.test.ts'],
    testNamePattern: 'new case|v4\\.1 xml',
  },
  {
    id: 'rules-status-change-by-phase',
    guarantee: 'another code of the same phase is a status change (comment_on_status_change)',
    file: 'src/domain/workflow-rules.ts',
    find: '  return a.phase === b.phase && a.code === b.code && a.label === b.label',
    replace: '  return a.phase === b.phase',
    tests: ['test/domain/workflow-rules.test.ts'],
    testNamePattern: 'another code',
  },
  {
    id: 'rules-cached',
    guarantee: 'a rule changed a moment ago (another node, the CLI) holds for the very next write: rules are read in the write, never cached',
    file: 'src/store/tenants.ts',
    find: '  return { changeSeq: row.change_seq, extendedStatuses: row.extended_statuses === 1, rules: rulesOfRow(row) }',
    replace:
      '  const seen: Record<string, WorkflowRules> = ((globalThis as { rulesSeen?: Record<string, WorkflowRules> }).rulesSeen ??= {})\n' +
      '  return { changeSeq: row.change_seq, extendedStatuses: row.extended_statuses === 1, rules: (seen[tenantId] ??= rulesOfRow(row)) }',
    tests: ['test/http/settings-workflow.test.ts'],
    testNamePattern: 'next write obeys',
  },
  {
    id: 'rules-put-without-admin',
    guarantee: 'only an admin key may change the rules: any other key gets 403 200001 and nothing changes',
    file: 'src/service/workflow-rules.ts',
    find: "  if (!admin) throw new FirehouseError('FORBIDDEN', 'Only an admin key or an admin may change the workflow rules')\n",
    replace: '',
    tests: ['test/http/settings-workflow.test.ts'],
    testNamePattern: 'only an admin key',
  },
  {
    id: 'rules-put-lenient-body',
    guarantee: 'a PUT body is taken as sent: "true" is not true, an unknown field is 300001',
    file: 'src/http/routes/settings.ts',
    find: "      if (typeof value !== 'boolean') throw invalid(`${name} must be true or false`)",
    replace: '      void value',
    tests: ['test/http/settings-workflow.test.ts'],
    testNamePattern: 'not exactly the rules',
  },
  {
    id: 'auto-open-field-ignored',
    guarantee: "auto_open's field opens a case when the record's field is true, whatever its NPS",
    file: 'src/domain/workflow-rules.ts',
    find: '  return inRange || (rule.field !== null && isTrueValue(record.field(rule.field)))',
    replace: '  return inRange',
    tests: ['test/http/import-auto-open.test.ts'],
    testNamePattern: 'contact-me field',
  },
  {
    id: 'auto-open-rules-read-before-lock',
    guarantee: "imports open cases by the tenant's rules as they are now (a PUT a moment ago counts)",
    file: 'src/service/import-records.ts',
    find: '    const opening = cgids.filter((cgid) => opensCase(rules.autoOpen, importedRecord(byCgid.get(cgid)!)))',
    replace: "    const opening = cgids.filter((cgid) => opensCase({ npsMin: 0, npsMax: 6, field: null }, importedRecord(byCgid.get(cgid)!)))",
    tests: ['test/http/import-auto-open.test.ts'],
    testNamePattern: 'NPS range set by PUT',
  },
]
