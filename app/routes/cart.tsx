import { randomUUID } from 'node:crypto'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormError, Notice } from '~/components/form'
import { cartForm } from '~/forms/cart'
import { Price } from '~/components/prices'
import { TransText } from '~/components/orders'
import { ReciprocityBadge, useBecause } from '~/components/reciprocity'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { dispatchForm, formRedirect, readForm } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { getStripe } from '~/lib/stripe.server'
import { addToCart, getCart, removeFromCart, setBuyingFor, setCartQuantity } from '~/modules/orders/cart.server'
import { MAX_QUANTITY } from '~/modules/orders/place-order.server'

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, metaT(matches, 'orders')('cart.title'))

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const cart = await getCart(getDb(), user.id)
  // One key per rendering of the checkout button: a double submission places one order.
  return { cart, idempotencyKey: randomUUID(), paysByCard: getStripe() !== null }
}

const CartForm = cartForm(MAX_QUANTITY)

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const db = getDb()
  return dispatchForm(
    await readForm(request),
    CartForm,
    {
      add: ({ offerId, quantity }, values) => formRedirect(values, () => addToCart(db, user.id, { offerId, quantity }), '/cart?notice=added'),
      update: ({ offerId, quantity }, values) => formRedirect(values, () => setCartQuantity(db, user.id, { offerId, quantity }), '/cart?notice=updated'),
      remove: async ({ offerId }) => {
        await removeFromCart(db, user.id, offerId)
        return redirect('/cart?notice=removed')
      },
      'buying-for': ({ buyingFor }, values) => formRedirect(values, () => setBuyingFor(db, user.id, buyingFor), '/cart?notice=buying-for'),
    },
    { above: 'all' },
  )
}

export default function CartPage() {
  const { cart, idempotencyKey, paysByCard } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const { t } = useTranslation('orders')
  const message = useMessage()
  const because = useBecause()
  const notices: Record<string, string> = {
    added: t('cart.notice.added'),
    updated: t('cart.notice.updated'),
    removed: t('cart.notice.removed'),
    'buying-for': t('cart.notice.buyingFor'),
  }
  const notice = notices[params.get('notice') ?? '']
  const organisation = cart.buyingAs.organisation?.name
  const total = cart.totals[0]
  const fee = cart.accessFeeTotals[0]
  return (
    <section className="cart" aria-labelledby="cart-title">
      <h1 id="cart-title">{t('cart.title')}</h1>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <FormError message={actionData?.formError} />
      {cart.lines.length === 0 ? (
        <div className="empty">
          <p>{t('cart.empty')}</p>
          <p>
            <TransText t={t} i18nKey="cart.emptyHint" components={{ catalog: <Link to="/" />, orders: <Link to="/orders" /> }} />
          </p>
        </div>
      ) : (
        <>
          <Form method="post" className="form--inline buying-for">
            <input type="hidden" name="intent" value="buying-for" />
            <label htmlFor="buying-for">{t('cart.buyingFor')}</label>
            <select
              id="buying-for"
              name="buyingFor"
              defaultValue={cart.buyingAs.use.kind === 'personal' ? 'personal' : String(cart.buyingAs.use.organisationId)}
            >
              {cart.options.map((o) => (
                <option
                  key={o.use.kind === 'personal' ? 'personal' : o.use.organisationId}
                  value={o.use.kind === 'personal' ? 'personal' : String(o.use.organisationId)}
                >
                  {o.use.kind === 'personal' ? t('cart.myself') : o.organisation!.name}
                </option>
              ))}
            </select>
            <button type="submit" className="button button--secondary">
              {t('cart.showPrices')}
            </button>
          </Form>
          <p>
            <TransText
              t={t}
              i18nKey="cart.buyingAs"
              values={{ because: because(cart.buyingAs.reason) }}
              components={{ badge: <ReciprocityBadge decision={cart.buyingAs} /> }}
            />
          </p>
          <div className="table-scroll">
            <table className="cart-table">
              <caption className="visually-hidden">{t('cart.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('columns.offer')}</th>
                  <th scope="col">{t('columns.price')}</th>
                  <th scope="col">{t('columns.quantity')}</th>
                  <th scope="col">{t('columns.total')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('columns.remove')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {cart.lines.map((line) => (
                  <tr key={line.offerId} className={line.problem ? 'cart-line--problem' : undefined}>
                    <td>
                      <Link to={`/offers/${line.slug}`}>{line.title}</Link>
                      <div className="muted small">
                        <TransText
                          t={t}
                          i18nKey="cart.from"
                          values={{ producer: line.producer.name }}
                          components={{ producer: <Link to={`/organisations/${line.producer.slug}`} /> }}
                        />
                        {line.accessFee.amount > 0 ? (
                          <>
                            {' '}
                            <TransText
                              t={t}
                              i18nKey="cart.lineFee"
                              components={{ fee: <Price value={line.accessFee} />, fund: <Price value={line.commonsFundAmount} /> }}
                            />
                          </>
                        ) : null}
                      </div>
                      {line.problem ? <p className="field-error">{message(line.problem)}</p> : null}
                    </td>
                    <td data-label={t('columns.price')}>
                      <Price value={line.unitPrice} /> <span className="muted">/ {line.unit}</span>
                    </td>
                    <td data-label={t('columns.quantity')}>
                      {line.stock === null ? (
                        <span>{line.quantity}</span>
                      ) : (
                        <Form method="post" className="form--inline quantity-form">
                          <input type="hidden" name="intent" value="update" />
                          <input type="hidden" name="offerId" value={line.offerId} />
                          <label className="visually-hidden" htmlFor={`qty-${line.offerId}`}>
                            {t('cart.quantityOf', { title: line.title })}
                          </label>
                          <input
                            id={`qty-${line.offerId}`}
                            name="quantity"
                            type="number"
                            min={0}
                            max={Math.min(MAX_QUANTITY, Math.max(line.stock, line.quantity))}
                            defaultValue={line.quantity}
                            inputMode="numeric"
                          />
                          <button type="submit" className="button button--secondary">
                            {t('cart.update')}
                          </button>
                        </Form>
                      )}
                    </td>
                    <td data-label={t('columns.total')}>
                      <Price value={line.lineTotal} />
                    </td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove" />
                        <input type="hidden" name="offerId" value={line.offerId} />
                        <button type="submit" className="link-button">
                          <TransText
                            t={t}
                            i18nKey="cart.removeLine"
                            values={{ title: line.title }}
                            components={{ hidden: <span className="visually-hidden" /> }}
                          />
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {cart.totals.length > 1 ? <Notice>{t('cart.mixedCurrencies')}</Notice> : null}
          {total ? (
            <div className="cart-summary">
              <p className="cart-total">
                <TransText t={t} i18nKey="cart.total" components={{ total: <Price value={total} /> }} />
              </p>
              {fee && fee.amount > 0 ? (
                <p className="muted small">
                  <TransText t={t} i18nKey="cart.includesFees" components={{ fee: <Price value={fee} /> }} />
                </p>
              ) : null}
              {cart.creditToApply ? (
                <p className="notice notice--success" role="note">
                  {cart.creditToApply.amount === total.amount ? (
                    <TransText
                      t={t}
                      i18nKey={organisation ? 'cart.credit.all' : 'cart.credit.allOwn'}
                      values={{ organisation }}
                      components={{ credit: <Price value={cart.creditToApply} /> }}
                    />
                  ) : (
                    <TransText
                      t={t}
                      i18nKey={organisation ? 'cart.credit.part' : 'cart.credit.partOwn'}
                      values={{ organisation }}
                      components={{
                        credit: <Price value={cart.creditToApply} />,
                        rest: <Price value={{ amount: total.amount - cart.creditToApply.amount, currency: total.currency }} />,
                      }}
                    />
                  )}
                </p>
              ) : null}
              {cart.forProfitAffiliations.length > 0 ? (
                <div className="notice notice--info declared-use-warning" role="note">
                  <p>
                    <TransText
                      t={t}
                      i18nKey="cart.forProfit.member"
                      values={{ organisations: cart.forProfitAffiliations.join(', ') }}
                      components={{ strong: <strong /> }}
                    />
                  </p>
                  <p>{t('cart.forProfit.licence', { count: cart.forProfitAffiliations.length })}</p>
                </div>
              ) : null}
              <Form method="post" action="/checkout">
                <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
                <input type="hidden" name="declaredUse" value={cart.declaredUse.value} />
                <label className="declared-use">
                  <input type="checkbox" name="confirmUse" value="yes" required disabled={!cart.canCheckOut} />{' '}
                  {cart.buyingAs.use.kind === 'personal'
                    ? t('cart.confirm.personal')
                    : organisation
                      ? t('cart.confirm.organisation', { organisation })
                      : t('cart.confirm.ownOrganisation')}
                </label>
                <button type="submit" className="button" disabled={!cart.canCheckOut}>
                  {total.amount === 0
                    ? t('cart.button.free')
                    : cart.creditToApply?.amount === total.amount
                      ? t('cart.button.credit')
                      : paysByCard
                        ? t('cart.button.card')
                        : t('cart.button.transfer')}
                </button>
              </Form>
              <p className="muted small">
                {total.amount === 0
                  ? t('cart.hint.free')
                  : cart.creditToApply?.amount === total.amount
                    ? t('cart.hint.credit')
                    : paysByCard
                      ? t('cart.hint.card')
                      : t('cart.hint.transfer')}
              </p>
            </div>
          ) : null}
        </>
      )}
    </section>
  )
}
