import { expect } from 'vitest'

/**
 * `items`, once asserted to hold at least one: "every item satisfies …" and "the same list as …"
 * pass on empty lists, so a filter that silently matched nothing would prove nothing.
 */
export function nonEmpty<L extends readonly unknown[]>(items: L, what = 'the list'): L {
  expect(items.length, `${what} is empty: a check of its items would prove nothing`).toBeGreaterThan(0)
  return items
}
