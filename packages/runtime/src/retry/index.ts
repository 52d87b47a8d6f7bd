export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitEvent,
  type CircuitHooks,
  CircuitOpenError,
  type CircuitState,
  defaultCircuitBreaker,
} from './circuit-breaker.js';
export {
  ConnectorFailure,
  type ConnectorFailureDetails,
  type ConnectorProblem,
  checkOf,
  isMarkedRetryable,
} from './connector-failure.js';
export { formatWait, type RetryPolicy, retryWait, retryWaits } from './retry-policy.js';
export { sleep } from './sleep.js';
export { type RetryContext, withRetry } from './with-retry.js';
