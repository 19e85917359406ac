import { clock } from './clock'
import fs from 'node:fs'
import path from 'node:path'
import nodemailer, { type Transporter } from 'nodemailer'
import { env } from './env.server'

// Outgoing mail. With SMTP_URL it goes to that server; without it (development, tests, a
// first `npm start`) each message is written as a .eml file into OUTBOX_DIR, where a person
// can open it in any mail program and a test can read it.

export interface Mail {
  to: string
  subject: string
  text: string
}

let smtp: { url: string; transport: Transporter } | undefined
// Builds the complete message (headers, MIME encoding) without sending it anywhere.
const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })

export async function sendMail(mail: Mail): Promise<void> {
  const { SMTP_URL, MAIL_FROM, OUTBOX_DIR, NODE_ENV } = env()
  const message = { from: MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text }
  if (SMTP_URL) {
    if (smtp?.url !== SMTP_URL) smtp = { url: SMTP_URL, transport: nodemailer.createTransport(SMTP_URL) }
    await smtp.transport.sendMail(message)
    return
  }
  const info = await composer.sendMail(message)
  const file = writeToOutbox(OUTBOX_DIR, mail.to, info.message as Buffer)
  if (NODE_ENV !== 'test') console.log(`Mail to ${mail.to} ("${mail.subject}") written to ${file}`)
}

/** Keeps an address readable in a file name and safe on every file system. */
function fileSafe(address: string): string {
  return address.replace(/[^A-Za-z0-9@._+-]/g, '_').slice(0, 120)
}

function writeToOutbox(dir: string, to: string, message: Buffer): string {
  fs.mkdirSync(dir, { recursive: true })
  const stamp = clock.now().replace(/:/g, '-')
  // Two messages to one address within a millisecond get .1, .2, … rather than overwrite.
  for (let n = 0; ; n++) {
    const file = path.join(dir, `${stamp}_${fileSafe(to)}${n ? `.${n}` : ''}.eml`)
    try {
      fs.writeFileSync(file, message, { flag: 'wx' })
      return file
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
}

export interface OutboxMail {
  file: string
  to: string
  subject: string
  text: string
}

const outboxName = /^(.+Z)_(.+?)(?:\.(\d+))?\.eml$/

/** The newest message written to the outbox for `to`, decoded; null when there is none. */
export function newestMailTo(to: string, dir: string = env().OUTBOX_DIR): OutboxMail | null {
  if (!fs.existsSync(dir)) return null
  const wanted = fileSafe(to).toLowerCase()
  const newest = fs
    .readdirSync(dir)
    .map((name) => ({ name, m: outboxName.exec(name) }))
    .filter(({ m }) => m && m[2]!.toLowerCase() === wanted)
    .map(({ name, m }) => ({ name, stamp: m![1]!, n: Number(m![3] ?? 0) }))
    .sort((a, b) => (a.stamp === b.stamp ? a.n - b.n : a.stamp < b.stamp ? -1 : 1))
    .at(-1)
  if (!newest) return null
  const file = path.join(dir, newest.name)
  return { file, ...parseMessage(fs.readFileSync(file, 'utf8')) }
}

/** Enough of RFC 5322/MIME to read back the single-part text messages sendMail writes. */
function parseMessage(raw: string): { to: string; subject: string; text: string } {
  const split = raw.indexOf('\n\n')
  const head = raw.slice(0, split).replace(/\n[ \t]+/g, ' ')
  const body = raw.slice(split + 2)
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? ''
  const encoding = header('Content-Transfer-Encoding').toLowerCase()
  const text = encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body
  return { to: header('To'), subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n') }
}

function decodeQuotedPrintable(body: string): string {
  const text = body.replace(/=\r?\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3)
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, kind: string, data: string) =>
    kind.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  )
}
