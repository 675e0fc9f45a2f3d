// What the integration projects' global setup provides to tests through `inject()`.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the nats-server shared by one integration project's test files. */
    natsUrl: string;
    /** That server's version as it reports it (`"2.9.10"`), or `"external"` with `NATS_URL`. */
    natsServerVersion: string;
  }
}
