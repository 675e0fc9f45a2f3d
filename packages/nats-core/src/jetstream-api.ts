/** How long a JetStream API request or a publish ack is waited for unless configured: 5 s. */
export const DEFAULT_JETSTREAM_TIMEOUT_MS = 5_000;

/**
 * The JetStream API subject prefix for a connection's options, without a trailing dot:
 * `$JS.<domain>.API` with a domain, the configured `apiPrefix`, else `$JS.API`. `connect`
 * refuses a config that sets both.
 */
export function jetStreamApiPrefix(opts: {
  domain?: string | undefined;
  apiPrefix?: string | undefined;
}): string {
  if (opts.domain) return `$JS.${opts.domain}.API`;
  if (opts.apiPrefix) return opts.apiPrefix.replace(/\.$/, "");
  return "$JS.API";
}
