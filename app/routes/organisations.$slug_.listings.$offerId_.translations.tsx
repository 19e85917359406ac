import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { FormError, Notice } from '~/components/form'
import { ListingTranslationsForm } from '~/forms/translations'
import { languageNames, isLanguage, type Language } from '~/i18n/config'
import { useFormat } from '~/i18n/format'
import { useMessage } from '~/i18n/messages'
import { metaT, pageTitle } from '~/i18n/meta'
import { getDb } from '~/lib/db.server'
import { dispatchForm, domain, formRedirect, parseParams, type FormReply } from '~/lib/http.server'
import { requireUser } from '~/lib/session.server'
import { listingActor } from '~/modules/listings/listings-queries.server'
import { listTranslations, removeTranslation, saveTranslation, setOriginalLanguage } from '~/modules/listings/translations.server'

// A listing's text in other languages: the language its own text is written in, and a title and
// description per other language the marketplace speaks. Three small forms, each working
// without JavaScript; a refused one shows again with its message beside the field.

const Params = z.object({
  slug: z.string().regex(/^[a-z0-9-]{1,200}$/),
  offerId: z
    .string()
    .regex(/^[1-9]\d{0,15}$/)
    .transform(Number),
})

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches, 'translations')
  return pageTitle(matches, data ? t('page.metaTitle', { title: data.texts.original.title }) : t('page.current'))
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { slug, offerId } = parseParams(params, Params)
  const db = getDb()
  const actor = await domain(() => listingActor(db, user.id, slug))
  const texts = await domain(() => listTranslations(db, actor, offerId))
  return { organisation: actor.organisation, offerId, texts }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { slug, offerId } = parseParams(params, Params)
  const db = getDb()
  const actor = await domain(() => listingActor(db, user.id, slug))
  const back = (notice: string, language: string, anchor = '') =>
    `/organisations/${slug}/listings/${offerId}/translations?notice=${notice}&language=${encodeURIComponent(language)}${anchor}`
  return dispatchForm(await request.formData(), ListingTranslationsForm, {
    original: ({ language }, values) => formRedirect(values, () => setOriginalLanguage(db, actor, offerId, language), back('original', language)),
    save: (input, values) =>
      formRedirect(values, () => saveTranslation(db, actor, offerId, input), back('saved', input.language, `#translation-${input.language}`)),
    remove: ({ language }, values) => formRedirect(values, () => removeTranslation(db, actor, offerId, language), back('removed', language)),
  })
}

const noticeKeys = { saved: 'notices.saved', removed: 'notices.removed', original: 'notices.original' } as const

export default function ListingTranslations() {
  const { organisation, offerId, texts } = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>() as FormReply | undefined
  const [search] = useSearchParams()
  const { t } = useTranslation('translations')
  const f = useFormat()
  const listingUrl = `/organisations/${organisation.slug}/listings/${offerId}`
  const noticeLanguage = search.get('language')
  const notice = reply ? null : (search.get('notice') as keyof typeof noticeKeys | null)
  const noticeText =
    notice && Object.hasOwn(noticeKeys, notice) && isLanguage(noticeLanguage) ? t(noticeKeys[notice], { language: languageNames[noticeLanguage] }) : null
  // Which form a refused submission came from: the original's, one language's, or the new one.
  const intent = reply?.values.intent
  const replyLanguage = reply?.values.language ?? ''
  const existing = new Set<string>(texts.translations.map((tr) => tr.language))
  const originalReply = intent === 'original' ? reply : null
  const addReply = intent === 'save' && !existing.has(replyLanguage) ? reply : null
  const replyFor = (language: Language) => (reply && intent !== 'original' && replyLanguage === language ? reply : null)
  const otherError = reply && !originalReply && !addReply && !existing.has(replyLanguage) ? reply.formError : null

  return (
    <article aria-labelledby="translations-title" className="listing-page">
      <nav aria-label={t('page.breadcrumb')} className="breadcrumb">
        <Link to={`/organisations/${organisation.slug}/manage`}>{t('page.workspace', { organisation: organisation.name })}</Link>{' '}
        <span aria-hidden="true">›</span> <Link to={`/organisations/${organisation.slug}/listings`}>{t('page.listings')}</Link>{' '}
        <span aria-hidden="true">›</span> <Link to={listingUrl}>{texts.original.title}</Link> <span aria-hidden="true">›</span> <span>{t('page.current')}</span>
      </nav>
      <header className="listing-page__header">
        <h1 id="translations-title">{t('page.title', { title: texts.original.title })}</h1>
        <p>{t('page.intro')}</p>
        <p className="small">
          <Link to={listingUrl}>{t('page.back')}</Link>
        </p>
      </header>

      {noticeText ? <Notice tone="success">{noticeText}</Notice> : null}
      <FormError message={otherError} />

      <section aria-labelledby="original-language" className="listing-section">
        <h2 id="original-language">{t('original.heading')}</h2>
        <Form method="post" className="form--inline">
          <FormError message={originalReply?.formError} />
          <LanguageSelect
            id="original-language-field"
            label={t('original.label')}
            hint={t('original.explain')}
            languages={Object.keys(languageNames) as Language[]}
            value={originalReply?.values.language ?? texts.original.language}
            error={originalReply?.fieldErrors.language}
          />
          <button type="submit" name="intent" value="original" className="button button--secondary">
            {t('original.save')}
          </button>
        </Form>
      </section>

      {texts.translations.map((tr) => {
        const own = replyFor(tr.language)
        return (
          <section key={tr.language} aria-labelledby={`translation-${tr.language}`} className="listing-section">
            <h2 id={`translation-${tr.language}`} lang={tr.language}>
              {languageNames[tr.language]}
            </h2>
            <p className="muted small">{t('translation.updated', { date: f.date(tr.updatedAt) })}</p>
            <Form method="post">
              <FormError message={own?.formError} />
              <input type="hidden" name="language" value={tr.language} />
              <TextFields
                prefix={tr.language}
                lang={tr.language}
                title={own?.values.title ?? tr.title}
                description={own?.values.description ?? tr.description}
                errors={own?.fieldErrors ?? {}}
              />
              <button type="submit" name="intent" value="save" className="button">
                {t('translation.save', { language: languageNames[tr.language] })}
              </button>
            </Form>
            <Form method="post" className="form--inline">
              <input type="hidden" name="language" value={tr.language} />
              <button type="submit" name="intent" value="remove" className="button button--secondary">
                {t('translation.remove', { language: languageNames[tr.language] })}
              </button>
            </Form>
          </section>
        )
      })}

      <section aria-labelledby="add-translation" className="listing-section">
        <h2 id="add-translation">{t('add.heading')}</h2>
        {texts.missing.length ? (
          <Form method="post">
            <FormError message={addReply?.formError} />
            <LanguageSelect
              id="add-language-field"
              label={t('add.language')}
              languages={texts.missing}
              value={addReply?.values.language ?? texts.missing[0]!}
              error={addReply?.fieldErrors.language}
            />
            <TextFields
              prefix="new"
              title={addReply?.values.title ?? ''}
              description={addReply?.values.description ?? ''}
              errors={addReply?.fieldErrors ?? {}}
            />
            <button type="submit" name="intent" value="save" className="button">
              {t('add.save')}
            </button>
          </Form>
        ) : (
          <p>{t('add.none')}</p>
        )}
      </section>
    </article>
  )
}

/** A choice of language, each named in itself, with its message beside it. */
function LanguageSelect({
  id,
  label,
  hint,
  languages,
  value,
  error,
}: {
  id: string
  label: string
  hint?: string
  languages: Language[]
  value: string
  error?: string
}) {
  const message = useMessage()
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {message(error)}
        </p>
      ) : null}
      <select id={id} name="language" defaultValue={value} aria-invalid={error ? true : undefined} aria-describedby={described}>
        {languages.map((code) => (
          <option key={code} value={code} lang={code}>
            {languageNames[code]}
          </option>
        ))}
      </select>
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  )
}

/** A translation's title and description; ids carry the form's language, as several forms share the page. */
function TextFields({
  prefix,
  lang,
  title,
  description,
  errors,
}: {
  prefix: string
  lang?: string
  title: string
  description: string
  errors: Partial<Record<string, string>>
}) {
  const { t } = useTranslation('translations')
  const message = useMessage()
  const field = (name: 'title' | 'description') => {
    const id = `${prefix}-${name}`
    const error = errors[name]
    const aria = { id, name, lang, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined }
    return (
      <div className={error ? 'field field--invalid' : 'field'}>
        <label htmlFor={id}>{name === 'title' ? t('translation.title') : t('translation.description')}</label>
        {error ? (
          <p className="field-error" id={`${id}-error`}>
            <span aria-hidden="true">⚠ </span>
            {message(error)}
          </p>
        ) : null}
        {name === 'title' ? (
          <input {...aria} type="text" required minLength={3} maxLength={200} defaultValue={title} />
        ) : (
          <textarea {...aria} rows={4} maxLength={5000} defaultValue={description} />
        )}
      </div>
    )
  }
  return (
    <>
      {field('title')}
      {field('description')}
    </>
  )
}
