export {
  ConnectorFailure,
  type ConnectorFailureDetails,
  type ConnectorProblem,
  checkOf,
} from './connector-failure.js';
export { formatWait, type RetryPolicy, retryWaits } from './retry-policy.js';
export { type RetryContext, withRetry } from './with-retry.js';
