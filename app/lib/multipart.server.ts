import { MaxPartSizeExceededError, unstable_parseMultipartFormData, type UploadHandler } from '@remix-run/node'
import { formReply, readForm, type FormReplyResponse } from './http.server'

/** What an upload form accepts: a limit and its message per file field, and the whole body's cap. */
export interface UploadLimits {
  files: Record<string, { bytes: number; tooLarge: string }>
  /** the whole body: the largest file plus room for the rest */
  bodyBytes: number
  /** how the whole body's cap is told to a person */
  bodySize: string
}

const TEXT_LIMIT = 64 * 1024

// Uploads come as multipart forms. Each file field has its own limit and text fields a small
// one; a part over its limit is read to its end but not kept, so the browser, still sending,
// gets the page with the message rather than a broken connection. The whole body is capped,
// counted as it arrives, never buffered whole.
async function readUpload(request: Request, limits: UploadLimits): Promise<{ ok: true; form: FormData } | { ok: false; reply: FormReplyResponse }> {
  // Text fields come before the file in our forms, so a refusal still knows which form it answers.
  const seen: Record<string, string> = {}
  const refuse = (status: number, fieldName: string | null, message: string) =>
    ({
      ok: false,
      reply: formReply(fieldName ? { fieldErrors: { [fieldName]: message }, values: seen } : { formError: message, values: seen }, status),
    }) as const
  const wholeBodyTooLarge = `This upload is larger than ${limits.bodySize}, more than we accept.`
  if (Number(request.headers.get('Content-Length') ?? '0') > limits.bodyBytes) return refuse(413, null, wholeBodyTooLarge)
  let received = 0
  const counted = request.body?.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength
        if (received > limits.bodyBytes) controller.error(new MaxPartSizeExceededError('', limits.bodyBytes))
        else controller.enqueue(chunk)
      },
    }),
  )
  let oversized: string | null = null
  const handler: UploadHandler = async ({ name, filename, contentType, data }) => {
    const limit = filename === undefined ? TEXT_LIMIT : (limits.files[name]?.bytes ?? 0)
    let size = 0
    const chunks: Uint8Array<ArrayBuffer>[] = []
    for await (const chunk of data) {
      size += chunk.byteLength
      if (size <= limit) chunks.push(chunk as Uint8Array<ArrayBuffer>)
      else chunks.length = 0
    }
    if (size > limit) {
      oversized ??= name
      return undefined
    }
    if (filename !== undefined) return new File(chunks, filename, { type: contentType })
    const text = Buffer.concat(chunks).toString('utf8')
    if (!(name in seen)) seen[name] = text
    return text
  }
  let form: FormData
  try {
    form = await unstable_parseMultipartFormData(
      new Request(request.url, { method: 'POST', headers: request.headers, body: counted ?? null, duplex: 'half' } as RequestInit),
      handler,
    )
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return refuse(413, null, wholeBodyTooLarge)
    return refuse(400, null, 'The upload could not be read; please choose the file and send it again.')
  }
  if (oversized !== null) {
    const tooLarge = limits.files[oversized]?.tooLarge
    return tooLarge ? refuse(413, oversized, tooLarge) : refuse(413, null, 'This upload is larger than we accept.')
  }
  return { ok: true, form }
}

/** Reads a page's form, whether a plain one or an upload, refusing what is over its limits. */
export async function readFormOrUpload(
  request: Request,
  limits: UploadLimits,
): Promise<{ ok: true; form: FormData } | { ok: false; reply: FormReplyResponse }> {
  if (/^multipart\/form-data/i.test(request.headers.get('Content-Type') ?? '')) return readUpload(request, limits)
  return { ok: true, form: await readForm(request) }
}
