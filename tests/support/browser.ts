import path from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'
import { projectRoot, tempDir } from './server'

export const screenshotDir = path.join(projectRoot, 'tests/artifacts')

/** Debian's headless Chromium, in a throw-away profile. */
export async function launchBrowser(options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('sm-chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    ...options,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
