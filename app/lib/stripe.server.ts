import Stripe from 'stripe'
import { env, type Env } from './env.server'

export interface StripeSetup {
  stripe: Stripe
  webhookSecret: string
}

/** A Stripe client for this configuration, pointed at STRIPE_API_URL when it is set. */
export function stripeClient(secretKey: string, apiUrl?: string): Stripe {
  if (!apiUrl) return new Stripe(secretKey, { maxNetworkRetries: 2 })
  const url = new URL(apiUrl)
  return new Stripe(secretKey, {
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    maxNetworkRetries: 2,
  })
}

let cached: { key: string; setup: StripeSetup } | undefined

/** Stripe when STRIPE_SECRET_KEY is set; null means orders are paid by invoice. */
export function getStripe(config: Env = env()): StripeSetup | null {
  if (!config.STRIPE_SECRET_KEY || !config.STRIPE_WEBHOOK_SECRET) return null
  const key = `${config.STRIPE_SECRET_KEY}|${config.STRIPE_API_URL ?? ''}`
  if (cached?.key !== key) {
    cached = { key, setup: { stripe: stripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_URL), webhookSecret: config.STRIPE_WEBHOOK_SECRET } }
  }
  return cached.setup
}
