import type { CaseGroup } from "./bench-case.js";
import type { VariantId } from "./variants.js";

/**
 * The targets: each variant's rate as a ratio to the raw client measured in the same
 * round (median over rounds). `undefined`: no target for that variant on that case.
 */
export function targetFor(variant: VariantId, group: CaseGroup): number | undefined {
  if (variant === "helix") return 0.95;
  if (variant === "otel") return 0.93;
  if (variant === "otel+sdk" && (group === "publishAsync" || group === "consume")) return 0.8;
  return undefined;
}
