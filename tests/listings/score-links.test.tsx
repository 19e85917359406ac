import type { ReactElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { beforeAll, describe, expect, it } from 'vitest'
import { ScoreBreakdown } from '../../app/components/score-breakdown'
import { i18nFor } from '../../app/i18n/translator.server'
import { organisationWorkspace } from '../../app/modules/organisations/workspace.server'
import { getStoredScore } from '../../app/modules/scoring/scores.server'
import type { Database } from '../../db/connection'
import { atDemoTime, seededDb } from '../support/db'

// The score breakdown links each line to the evidence behind it. A co-op's own listing page
// links into the co-op's workspace, which lists every claim: an archived listing has no public
// page for its evidence links to land on.

let db: Database
beforeAll(async () => {
  db = await seededDb()
})
atDemoTime()

const render = (element: ReactElement) => renderToStaticMarkup(<I18nextProvider i18n={i18nFor('en')}>{element}</I18nextProvider>)
const hrefsOf = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!)

async function offerWithOfferEvidence() {
  const offers = await db
    .selectFrom('offers as o')
    .innerJoin('organisations as org', 'org.id', 'o.organisationId')
    .innerJoin('memberships as m', 'm.organisationId', 'org.id')
    .select(['o.id', 'o.slug', 'org.slug as producerSlug', 'm.personId'])
    .orderBy('o.id')
    .execute()
  for (const offer of offers) {
    const score = await getStoredScore(db, offer.id)
    const lines = score?.criteria.flatMap((c) => c.lines) ?? []
    if (lines.some((l) => l.claimId !== null && l.claimOnOffer) && lines.some((l) => l.claimId !== null && !l.claimOnOffer)) return { ...offer, score: score! }
  }
  throw new Error('the demo marketplace has no offer scored on both offer and producer evidence')
}

describe('evidence links in the score breakdown', () => {
  it('on public pages, go to the offer page for offer evidence and the producer page for the rest', async () => {
    const offer = await offerWithOfferEvidence()
    const hrefs = hrefsOf(render(<ScoreBreakdown score={offer.score} producerSlug={offer.producerSlug} offerSlug={offer.slug} />))
    expect(hrefs.some((h) => h.startsWith(`/offers/${offer.slug}#evidence-`))).toBe(true)
    expect(hrefs.some((h) => h.startsWith(`/organisations/${offer.producerSlug}#evidence-`))).toBe(true)
  })

  it('on the co-op’s listing page, land on a row of its workspace, archived listing or not', async () => {
    const offer = await offerWithOfferEvidence()
    await db.updateTable('offers').set({ status: 'archived' }).where('id', '=', offer.id).execute()
    const html = render(<ScoreBreakdown score={offer.score} producerSlug={offer.producerSlug} offerSlug={offer.slug} evidenceIn="workspace" />)
    const hrefs = hrefsOf(html)
    expect(hrefs.length).toBeGreaterThan(1)
    const workspace = await organisationWorkspace(db, offer.personId, offer.producerSlug)
    const rows = new Set(workspace.claims.map((c) => c.id))
    for (const href of hrefs) {
      const match = new RegExp(`^/organisations/${offer.producerSlug}/manage#evidence-(\\d+)$`).exec(href)
      expect(match, href).not.toBeNull()
      expect(rows.has(Number(match![1])), href).toBe(true)
    }
  })
})
