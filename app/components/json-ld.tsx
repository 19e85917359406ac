import { jsonLdText } from '~/modules/open-data/json-ld'

/** A schema.org description of the page, for search engines and mirroring sites. */
export function JsonLd({ data }: { data: unknown }) {
  // The text is escaped by jsonLdText; React would otherwise escape it as HTML, which JSON-LD readers do not undo.
  return <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdText(data) }} />
}
