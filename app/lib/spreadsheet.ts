/**
 * A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return) as a formula;
 * a leading apostrophe keeps such text as text. For exports that are only read, not re-imported
 * (the listings CSV strips its own escape again on import, so it has a reversible variant).
 */
export function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}
