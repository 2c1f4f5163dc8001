/**
 * Tokenizers. All are pure functions of their input (no locale, no ICU-version-dependent segmentation),
 * so the same text gives the same tokens in Node and in the browser.
 */

/** Whitespace exactly as Python's `str.isspace()` / `re` `\s` see it (JS `\s` differs: it has U+FEFF and lacks U+001C–U+001F, U+0085). */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, 'g');

/** torchtext `_basic_english_normalize` rules, applied in this order after lowercasing. */
const BASIC_ENGLISH_RULES: readonly [RegExp, string][] = [
  [/'/g, " '  "],
  [/"/g, ''],
  [/\./g, ' . '],
  [/<br \/>/g, ' '],
  [/,/g, ' , '],
  [/\(/g, ' ( '],
  [/\)/g, ' ) '],
  [/!/g, ' ! '],
  [/\?/g, ' ? '],
  [/;/g, ' '],
  [/:/g, ' '],
  [PY_SPACE_RUN, ' '],
];

/**
 * torchtext's `basic_english` tokenizer, token for token: lowercase; `'` → `" '  "`; drop `"`;
 * pad `.` `,` `(` `)` `!` `?` with spaces; `<br />` (matched after lowercasing) → space; `;` and `:` → space;
 * split on Python's Unicode whitespace (which includes U+0085, the Windows-1252 "…" debris in IMDB).
 *
 * @example
 * basicEnglish("Don't stop!<br />Great.") // ['don', "'", 't', 'stop', '!', 'great', '.']
 */
export function basicEnglish(text: string): string[] {
  let s = text.toLowerCase();
  for (const [re, rep] of BASIC_ENGLISH_RULES) s = s.replace(re, rep);
  return s.split(PY_SPACE_RUN).filter((t) => t.length > 0);
}

/** Windows-1252 characters for the C1 control code points U+0080–U+009F (holes map to a space). */
const CP1252_C1 =
  '€ ‚ƒ„…†‡ˆ‰Š‹Œ Ž  ‘’“”•–—˜™š›œ žŸ';

/**
 * Cleans review text before word tokenization: Windows-1252 debris (C1 controls such as U+0096, U+0085)
 * becomes the intended character, `<br />` and other HTML tags become spaces, numeric and common named
 * entities are decoded, curly quotes become ASCII quotes, `…` becomes `...`, and the result is NFC-normalised.
 */
export function cleanReviewText(text: string): string {
  return text
    .replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80] ?? ' ')
    .replace(/<\s*br\s*\/?\s*>/gi, ' ')
    .replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]{0,200})?\/?>/gi, ' ')
    .replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi, decodeEntity)
    .normalize('NFC')
    .replace(/[\u2018\u2019\u201b\u2032`\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/\u2026/g, '...');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntity(m: string, dec?: string, hex?: string, name?: string): string {
  if (name) return NAMED[name.toLowerCase()] ?? m;
  const cp = dec !== undefined ? parseInt(dec, 10) : parseInt(hex!, 16);
  if (!(cp > 0 && cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) return ' ';
  return String.fromCodePoint(cp);
}

/** Options of {@link wordTokenizer}. */
export interface WordTokenizerOptions {
  /** Lowercase tokens (default true, matching uncased GloVe 6B). */
  lowercase?: boolean;
  /** Split clitics Penn-Treebank style, as GloVe's own tokenizer did: `don't` → `do n't`, `it's` → `it 's` (default true). */
  splitContractions?: boolean;
  /** Run {@link cleanReviewText} first (default true). */
  clean?: boolean;
}

// One alternation, tried left to right at each position:
//  1 URL (trailing punctuation not included)   2 number, optionally with separators and a suffix: 7/10, 1,000, 3.5, 1950s
//  3 word with inner hyphens/apostrophes        4 ellipsis   5 dash run   6 any other single code point
const WORD_RE =
  /((?:https?:\/\/|www\.)[^\s<>"]*[^\s<>".,!?;:)\]'])|(\p{N}+(?:[.,/:]\p{N}+)*(?:\p{L}+)?)|(\p{L}[\p{L}\p{M}\p{N}_]*(?:['\-][\p{L}\p{M}\p{N}_]+)*)|(\.{2,})|(-{2,})|(\S)/gu;
const CLITIC_RE = /^(.+?)('s|'re|'ve|'ll|'d|'m)$/i;

/**
 * A word tokenizer for reviews. Rules, in order: {@link cleanReviewText}; lowercase; then tokens are
 * URLs (kept whole), numbers (`7/10`, `1,000`, `3.5`, `1950s` stay one token), words (letters, marks and
 * digits with inner `-` or `'`: `well-made`, `o'clock`), `...` for any run of 2+ dots, `--` for any run of
 * 2+ hyphens, and every other non-space code point on its own (`!`, `?`, `"`, emoji). With
 * `splitContractions`, a final `n't` and the clitics `'s 're 've 'll 'd 'm` become their own tokens.
 *
 * @example
 * wordTokenizer("I didn't like it... 3/10<br />See www.imdb.com!")
 * // ['i', 'did', "n't", 'like', 'it', '...', '3/10', 'see', 'www.imdb.com', '!']
 */
export function wordTokenizer(text: string, options: WordTokenizerOptions = {}): string[] {
  const { lowercase = true, splitContractions = true, clean = true } = options;
  let s = clean ? cleanReviewText(text) : text;
  if (lowercase) s = s.toLowerCase();
  const out: string[] = [];
  for (const m of s.matchAll(WORD_RE)) {
    if (m[4] !== undefined) out.push('...');
    else if (m[5] !== undefined) out.push('--');
    else if (m[3] !== undefined && splitContractions) pushWord(m[3], out);
    else out.push(m[0]);
  }
  return out;
}

function pushWord(word: string, out: string[]): void {
  const lower = word.toLowerCase();
  if (lower.endsWith("n't") && word.length > 3) {
    out.push(word.slice(0, -3), word.slice(-3));
    return;
  }
  const c = CLITIC_RE.exec(word);
  if (c) out.push(c[1]!, c[2]!);
  else out.push(word);
}

/** Options of {@link charTokenizer}. */
export interface CharTokenizerOptions {
  /** Lowercase first (default false). */
  lowercase?: boolean;
  /** Unicode normalisation form applied first (default 'NFC'; `false` for none). */
  normalize?: 'NFC' | 'NFD' | 'NFKC' | 'NFKD' | false;
}

/**
 * Splits text into Unicode code points (never UTF-16 halves), after NFC normalisation by default,
 * so `é` written as e + U+0301 is one token.
 *
 * @example
 * charTokenizer('né😀') // ['n', 'é', '😀']
 */
export function charTokenizer(text: string, options: CharTokenizerOptions = {}): string[] {
  const { lowercase = false, normalize = 'NFC' } = options;
  let s = normalize ? text.normalize(normalize) : text;
  if (lowercase) s = s.toLowerCase();
  return Array.from(s);
}
