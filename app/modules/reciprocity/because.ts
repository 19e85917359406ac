import { evidenceLevels, legalForms, type EvidenceLevel, type LegalForm } from '../../../db/schema'
import { evidenceLevelLabel, legalFormLabel } from '../../lib/labels'
import type { ReciprocityReason } from './reciprocity.server'

// Orders keep the reason their class was decided for in English words (reciprocityClass's
// `because`), as the buyer read it then. To show it in another language, the words are read back
// into the reason they were written from: the legal forms and evidence levels are a closed list.

const formByWords = new Map<string, LegalForm>(legalForms.map((f) => [legalFormLabel[f].toLowerCase(), f]))
const levelByWords = new Map<string, EvidenceLevel>(evidenceLevels.map((l) => [evidenceLevelLabel[l], l]))
const attestLater = '; it buys as a commoner once two verified organisations attest it or a steward verifies it'

/** The reason an English `because` was written from; null for words it did not write. */
export function reasonOfBecause(english: string): ReciprocityReason | null {
  if (english === 'you buy as a person, for non-commercial use') return { code: 'personal' }
  let m = /^(.+) is a (.+), buying for commercial use$/.exec(english)
  if (m && formByWords.has(m[2]!)) return { code: 'notCommonsForm', organisation: m[1]!, legalForm: formByWords.get(m[2]!)!, level: null }
  if (english.endsWith(attestLater)) {
    m = /^(.+)'s legal form \((.+)\) is (.+)$/.exec(english.slice(0, -attestLater.length))
    if (m && formByWords.has(m[2]!) && (m[3] === 'not evidenced' || levelByWords.has(m[3]!))) {
      return { code: 'notAttested', organisation: m[1]!, legalForm: formByWords.get(m[2]!)!, level: levelByWords.get(m[3]!) ?? null }
    }
    return null
  }
  m = /^(.+) is a (.+), ([a-z-]+)$/.exec(english)
  if (m && formByWords.has(m[2]!) && levelByWords.has(m[3]!)) {
    return { code: 'attested', organisation: m[1]!, legalForm: formByWords.get(m[2]!)!, level: levelByWords.get(m[3]!)! }
  }
  return null
}
