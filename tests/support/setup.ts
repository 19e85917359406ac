import { afterEach } from 'vitest'
import { setClock } from '../../app/lib/clock'

// A test that stops the app's clock (setClock) never leaves it stopped for the next one.
afterEach(() => setClock(null))
