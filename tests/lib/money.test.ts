import { describe, expect, it } from 'vitest'
import { formatMoney, splitByBasisPoints, toDecimalString } from '../../app/lib/money'

describe('money', () => {
  it('formats minor units exactly', () => {
    expect(toDecimalString(1250, 'EUR')).toBe('12.50')
    expect(toDecimalString(5, 'EUR')).toBe('0.05')
    expect(toDecimalString(-199, 'EUR')).toBe('-1.99')
    expect(toDecimalString(1250, 'JPY')).toBe('1250')
    expect(formatMoney(123456789, 'EUR')).toBe('€1,234,567.89')
    expect(formatMoney(0, 'EUR')).toBe('€0.00')
  })

  it('splits a fee so the parts always add up to the whole', () => {
    expect(splitByBasisPoints(1000, [4500, 4500, 1000])).toEqual([450, 450, 100])
    expect(splitByBasisPoints(1, [4500, 4500, 1000])).toEqual([1, 0, 0])
    expect(splitByBasisPoints(7, [3333, 3333, 3334])).toEqual([2, 2, 3])
    for (let amount = 0; amount < 500; amount += 7) {
      const parts = splitByBasisPoints(amount, [1234, 5678, 3088])
      expect(parts.reduce((a, b) => a + b, 0)).toBe(amount)
    }
    expect(() => splitByBasisPoints(100, [5000, 4000])).toThrow(/sum to 10000/)
  })
})
