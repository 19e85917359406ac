import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { OrderStatusBadge, TransText, When } from '~/components/orders'
import { Pagination } from '~/components/pagination'
import { Price } from '~/components/prices'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { parseQuery } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { listPurchases } from '~/modules/orders/receipts.server'
import { decimalDigits } from '~/lib/numbers'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'orders')('yourOrders'))

const Query = z.object({
  page: decimalDigits(
    z.number({ error: 'page must be a number' }).int('page must be a whole number').min(1, 'page starts at 1').max(10_000, 'page is too large'),
  ).default(1),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { page } = parseQuery(request, Query)
  return listPurchases(getDb(), user.id, page)
}

export default function OrdersPage() {
  const { purchases, page, pageCount, total } = useLoaderData<typeof loader>()
  const { t } = useTranslation('orders')
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">{t('yourOrders')}</h1>
      {total === 0 ? (
        <div className="empty">
          <p>{t('list.empty')}</p>
          <p>
            <TransText t={t} i18nKey="list.emptyHint" components={{ catalog: <Link to="/" /> }} />
          </p>
        </div>
      ) : (
        <>
          <p className="muted">{t('list.count', { count: total })}</p>
          <ul className="order-list">
            {purchases.map((p) => (
              <li key={p.checkoutId} className="order-list__item">
                <div>
                  <Link to={`/orders/${p.checkoutId}`}>
                    <strong>{t('list.order', { reference: p.reference })}</strong>
                  </Link>{' '}
                  <span className="muted">
                    <When iso={p.createdAt} /> · {t('list.items', { count: p.items, producers: p.producers.join(', ') })}
                  </span>
                </div>
                <div>
                  {[...new Set(p.statuses)].map((s) => (
                    <OrderStatusBadge key={s} status={s} />
                  ))}{' '}
                  <Price value={p.total} />
                </div>
              </li>
            ))}
          </ul>
          <Pagination page={page} pageCount={pageCount} hasNextPage={page < pageCount} href={(n) => `/orders?page=${n}`} />
        </>
      )}
    </section>
  )
}
