import fc from "fast-check";

/**
 * Generators of valid and invalid subjects and names, following the rules names.ts enforces
 * (and, for the valid ones, that the server accepts). Each invalid generator breaks one rule.
 */

const WHITESPACE = [" ", "\t", "\n", "\r", "\f", "\v", "\u00a0", "\u2003", "\u3000"];

/** Printable ASCII without white space, `.`, `*`, `>`. */
const SAFE_ASCII = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
  .filter((c) => !".*>".includes(c))
  .join("");

/** A character allowed in a subject token: safe ASCII, or a letter outside ASCII. */
const tokenChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...SAFE_ASCII) },
  { weight: 1, arbitrary: fc.constantFrom("é", "ß", "ж", "中", "日", "ü", "🙂") },
);
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 8 });

/** A subject one can publish to: 1-5 tokens, no wildcards. */
export const validPublishSubject = fc
  .array(token, { minLength: 1, maxLength: 5 })
  .map((t) => t.join("."));

/** A filter subject: tokens or `*`, optionally ending with `>`. */
export const validFilterSubject = fc
  .tuple(
    fc.array(
      fc.oneof({ weight: 3, arbitrary: token }, { weight: 1, arbitrary: fc.constant("*") }),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    fc.boolean(),
  )
  .map(([tokens, tail]) => [...tokens, ...(tail ? [">"] : [])].join("."));

/** Stream or consumer name characters: no white space, `.`, `*`, `>`, `/`, `\`, control characters. */
const nameChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...SAFE_ASCII.replace(/[/\\]/g, "")) },
  { weight: 1, arbitrary: fc.constantFrom("é", "ж", "中", "ü") },
);
/** A stream or consumer name the validator and the server accept (kept short for the server). */
export const validResourceName = fc.string({ unit: nameChar, minLength: 1, maxLength: 32 });
const utf8Length = (s: string) => Buffer.byteLength(s, "utf8");
/** Up to the 255-byte (UTF-8) limit of the server and the validator (checked without a server). */
export const validLongResourceName = fc
  .string({ unit: nameChar, minLength: 1, maxLength: 255 })
  .map((s) => (utf8Length(s) <= 255 ? s : s.slice(0, 63)));

/** A bucket name: letters, digits, `-`, `_`. */
export const validBucket = fc.stringMatching(/^[-\w]{1,32}$/);

const keyToken = fc.stringMatching(/^[-/_=a-zA-Z0-9]{1,10}$/);
/** A key: tokens of letters, digits, `-`, `/`, `_`, `=` joined by single dots. */
export const validKey = fc.array(keyToken, { minLength: 1, maxLength: 4 }).map((t) => t.join("."));

/** Something that is not a string at all. */
const notString = fc.oneof(
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.object(),
  fc.array(fc.string()),
);

/** Inserts `piece` at a random position of a generated string. */
function insert(base: fc.Arbitrary<string>, piece: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(base, piece, fc.nat())
    .map(([s, p, at]) => `${s.slice(0, at % (s.length + 1))}${p}${s.slice(at % (s.length + 1))}`);
}

const ws = fc.constantFrom(...WHITESPACE);

/** Invalid subjects for publishing, each labelled by the rule it breaks. */
export const invalidPublishSubject = fc.oneof(
  fc.constant(""),
  notString,
  insert(validPublishSubject, ws),
  validPublishSubject.map((s) => `.${s}`),
  validPublishSubject.map((s) => `${s}.`),
  insert(validPublishSubject, fc.constant("..")).filter((s) => s.includes("..")),
  fc.tuple(validPublishSubject, fc.constantFrom("*", ">")).map(([s, w]) => `${s}.${w}`),
  fc.tuple(token, fc.constantFrom("*", ">")).map(([t, w]) => `${t}${w}`),
);

/** Invalid filter subjects: white space, empty tokens, partial wildcards, `>` not last. */
export const invalidFilterSubject = fc.oneof(
  fc.constant(""),
  notString,
  insert(validFilterSubject, ws),
  validFilterSubject.map((s) => `.${s}`),
  validPublishSubject.map((s) => `${s}..x`),
  fc.tuple(token, fc.constantFrom("*", ">")).map(([t, w]) => `${t}${w}`),
  validPublishSubject.map((s) => `${s}.>.x`),
);

const control = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));

/** Invalid stream or consumer names: empty, not a string, too long, a forbidden character. */
export const invalidResourceName = fc.oneof(
  fc.constant(""),
  notString,
  fc.string({ unit: nameChar, minLength: 256, maxLength: 300 }),
  // Few characters, too many bytes: the server counts UTF-8 bytes.
  fc.integer({ min: 128, max: 200 }).map((n) => "ж".repeat(n)),
  insert(
    validResourceName,
    fc.oneof(ws, fc.constantFrom(".", "*", ">", "/", "\\", "\u007f"), control),
  ),
);

/** Invalid bucket names: empty, not a string, any character but letters, digits, `-`, `_`. */
export const invalidBucket = fc.oneof(
  fc.constant(""),
  notString,
  insert(validBucket, fc.constantFrom(".", "*", ">", " ", "/", "$", "é", "\t", "=", "+")),
);

/** Invalid keys: empty, not a string, dots at an end or doubled, a forbidden character. */
export const invalidKey = fc.oneof(
  fc.constant(""),
  notString,
  validKey.map((k) => `.${k}`),
  validKey.map((k) => `${k}.`),
  fc.tuple(keyToken, keyToken).map(([a, b]) => `${a}..${b}`),
  insert(validKey, fc.constantFrom(" ", "*", ">", "$", "#", "é", "\t", "+", "\\")),
);
