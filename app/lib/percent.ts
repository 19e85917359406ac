// Shares are basis points (1 % = 100 bp) everywhere; people read and type them as percentages.
// One reader and one writer, shared by the listing form and the spreadsheet import, so both
// accept the same text and both refuse a share above 100 %.

/** "45" for 4500 basis points, "12.5" for 1250. */
export function percentText(bp: number): string {
  const whole = Math.floor(bp / 100)
  const hundredths = bp % 100
  return hundredths === 0 ? String(whole) : `${whole}.${String(hundredths).padStart(2, '0').replace(/0$/, '')}`
}

/** Basis points from a typed percentage ("45", "12.5", "12,50 %"), without float arithmetic; null when it is not one from 0 to 100. */
export function basisPointsFrom(text: string): number | null {
  const match = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text)
  if (!match) return null
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return bp <= 10_000 ? bp : null
}
