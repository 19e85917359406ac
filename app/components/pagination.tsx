import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

/**
 * Numbered pages around the current one, with the first and (when known) the last;
 * `pageCount` is null when only "there is a next page" is known. `href` builds each page's URL.
 */
export function Pagination({
  page,
  pageCount,
  hasNextPage,
  href,
}: {
  page: number
  pageCount: number | null
  hasNextPage: boolean
  href: (page: number) => string
}) {
  const { t } = useTranslation('catalog')
  if (pageCount !== null && pageCount <= 1 && page === 1) return null
  const last = pageCount ?? (hasNextPage ? page + 1 : page)
  const pages = new Set([1, ...(pageCount !== null ? [pageCount] : []), page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= last))
  const sorted = [...pages].sort((a, b) => a - b)
  const items: (number | 'gap')[] = []
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1]! > 1) items.push('gap')
    items.push(p)
  })
  if (pageCount === null && hasNextPage) items.push('gap')
  return (
    <nav className="pagination" aria-label={t('pagination.label')}>
      {page > 1 ? (
        <Link to={href(page - 1)} rel="prev">
          {t('pagination.previous')}
        </Link>
      ) : (
        <span aria-disabled="true" className="muted">
          {t('pagination.previous')}
        </span>
      )}
      <ol>
        {items.map((item, i) =>
          item === 'gap' ? (
            <li key={`gap-${i}`} aria-hidden="true">
              …
            </li>
          ) : (
            <li key={item}>
              {item === page ? (
                <span aria-current="page">{item}</span>
              ) : (
                <Link to={href(item)} aria-label={t('pagination.page', { page: item })}>
                  {item}
                </Link>
              )}
            </li>
          ),
        )}
      </ol>
      {hasNextPage ? (
        <Link to={href(page + 1)} rel="next">
          {t('pagination.next')}
        </Link>
      ) : (
        <span aria-disabled="true" className="muted">
          {t('pagination.next')}
        </span>
      )}
    </nav>
  )
}
