// The public surface of `firehouse/client`: the typed SDK integrators import.

export { WorkflowClient } from './workflow-client.js'
export { WorkflowApiError, CLIENT_ERROR_CODE, type WorkflowErrorKind, type WorkflowApiErrorInit } from './workflow-api-error.js'
export { CaseStream } from './case-feed.js'
export {
  CloseLoopApi,
  CloseLoopStream,
  type CloseLoopItem,
  type CloseLoopPage,
  type CloseLoopQuery,
  type CloseLoopStatus,
  type CloseLoopStatusInput,
} from './close-loop.js'
export {
  WebhooksApi,
  type Webhook,
  type NewWebhook,
  type WebhookPatch,
  type WebhookDelivery,
  type WebhookDeliveryPage,
  type WebhookEventType,
  type QueuedDelivery,
} from './webhooks.js'
export { REGIONS, type Region, type WireFormat, type FetchFunction, type RetryInfo, type WorkflowClientOptions } from './options.js'
export {
  PHASES,
  type Phase,
  type CaseJson,
  type HistoryEntry,
  type CasePage,
  type CaseQuery,
  type ReadOptions,
  type UpdateWorkflowInput,
  type UpdateWorkflowResult,
} from './types.js'
