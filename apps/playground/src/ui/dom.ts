/** Small DOM helpers shared by the panels: typed lookups, element creation, errors shown in the page. */

/** The element with this id, or an error naming it (a missing id is a bug in index.html). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: no element #${id} in the page`);
  return el as T;
}

/** Creates an element with text and attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const errorBox = (): HTMLElement => byId('errors');

/** Shows an error in the page's alert region (never only in the console). */
export function showError(message: string): void {
  const list = byId<HTMLUListElement>('error-list');
  const li = h('li', {}, message);
  list.append(li);
  while (list.children.length > 5) list.firstElementChild?.remove();
  errorBox().hidden = false;
  // Keep a trace for tests and for whoever debugs; the user sees the page.
  (window as unknown as { __recur?: { errors: string[] } }).__recur?.errors.push(message);
}

export function clearErrors(): void {
  byId('error-list').replaceChildren();
  errorBox().hidden = true;
}

/** Runs an async UI action, showing any error in the page. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    showError(`${what}: ${messageOf(e)}`);
    return undefined;
  }
}

/** Reads a number input; NaN when empty or malformed. */
export function numberOf(id: string): number {
  const v = byId<HTMLInputElement>(id).value.trim();
  return v === '' ? NaN : Number(v);
}

/** Starts a browser download of `bytes` named `fileName`. */
export function download(bytes: Uint8Array, fileName: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = h('a', { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "0.6931" / "1.2e-5": four significant digits, readable for losses and norms. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toPrecision(4);
}
