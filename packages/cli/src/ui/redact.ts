/** Keys whose values are secrets wherever they appear (as the logger's redaction paths). */
const secretKey = /pass(word|phrase)?$|secret|token|credential|authorization|api[-_]?key|sasl/i;

/**
 * A text with the secrets that texts carry blanked: a URL's user and password
 * (`postgres://app:s3cret@db/x` → `postgres://[redacted]@db/x`) and `password=...`-style pairs.
 */
export function redactText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1[redacted]@')
    .replace(
      /\b(password|passwd|pwd|secret|token|api[-_]?key)(\s*[=:]\s*)[^\s&;,'"]+/gi,
      '$1$2[redacted]',
    );
}

/** A JSON value for the page: secret-named keys' values and secrets in texts redacted. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] =
        secretKey.test(k) && v !== null && typeof v !== 'object' ? '[redacted]' : redactValue(v);
    return out;
  }
  return value;
}
