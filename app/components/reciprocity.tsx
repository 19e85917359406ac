import type { ReciprocityDecision } from '~/modules/reciprocity/reciprocity.server'

const classLabel = { commoner: 'commoner', for_profit: 'for-profit' } as const

export function ReciprocityBadge({ decision }: { decision: Pick<ReciprocityDecision, 'reciprocityClass'> }) {
  return <strong className={`class class--${decision.reciprocityClass}`}>{classLabel[decision.reciprocityClass]}</strong>
}

/** "You buy as: commoner, because …", one line per use the person may declare. */
export function BuyingAs({ options }: { options: ReciprocityDecision[] }) {
  return (
    <ul className="buying-as">
      {options.map((o) => (
        <li key={o.use.kind === 'personal' ? 'personal' : o.use.organisationId}>
          <span className="muted">{o.use.kind === 'personal' ? 'For yourself' : `On behalf of ${o.organisation!.name}`}:</span> you buy as{' '}
          <ReciprocityBadge decision={o} />, because {o.because}.
        </li>
      ))}
    </ul>
  )
}
