// The order reference lives apart from placing orders so that settlement, receipts and the
// funds' pages can quote it without importing the checkout (and its imports) with it.

/** The reference a buyer and a producer quote: the checkout, and the producer's part of it. */
export function orderReference(checkoutId: number, orderId?: number): string {
  return orderId === undefined ? `SM-${checkoutId}` : `SM-${checkoutId}-${orderId}`
}
