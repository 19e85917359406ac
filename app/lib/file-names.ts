// A file name as a person's browser sent it is outside input: it may carry a path, control
// characters (a newline in a Content-Disposition header, say) or run on for pages.

/** The name alone, without folders or control characters, at most 200 characters; '' when nothing is left. */
export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? ''
  return [...base]
    .filter((c) => c.charCodeAt(0) > 0x1f && c !== '\u007f')
    .join('')
    .trim()
    .slice(0, 200)
}
