import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema'
import { sendMail } from '../../lib/mail.server'
import { orderConfirmationMails } from './notifications.server'

/**
 * Sends a checkout's confirmations after its transaction committed. A mail server being down
 * must not undo an order: failures are logged, and the receipt page still has everything.
 */
export async function sendOrderConfirmations(db: Kysely<DB>, checkoutId: number, appUrl: string): Promise<void> {
  try {
    for (const mail of await orderConfirmationMails(db, checkoutId, appUrl)) await sendMail(mail)
  } catch (error) {
    console.error(`Order confirmation mails for checkout ${checkoutId} failed:`, error)
  }
}
