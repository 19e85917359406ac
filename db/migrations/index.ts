import type { Migration, MigrationProvider } from 'kysely'
import * as coreMarketplace from './2026_11_24_0300_core_marketplace'
import * as scoresAndSearch from './2026_11_24_0400_scores_and_search'
import * as accountsAndVerification from './2026_11_24_0500_accounts_and_verification'
import * as ordersAndLedger from './2026_11_24_0600_orders_and_ledger'
import * as cooperativeWorkspace from './2026_11_24_0700_cooperative_workspace'
import * as stockOutsideGeneration from './2026_11_24_0800_stock_outside_generation'
import * as disbursements from './2026_11_24_0900_disbursements'
import * as attestationRetirement from './2026_11_24_1000_attestation_retirement'
import * as confirmedEmailsStewardsDeclaredUse from './2026_11_24_1100_confirmed_emails_stewards_declared_use'
import * as reciprocityMoney from './2026_11_24_1200_reciprocity_money'
import * as buyerCreditMoney from './2026_12_02_0100_buyer_credit_money'
import * as readerLanguage from './2026_12_03_0100_reader_language'
import * as listingTranslations from './2026_12_03_0200_listing_translations'
import * as delivery from './2026_12_04_0100_delivery'

// Listed statically so the migrations travel inside any bundle and run the same from the CLI,
// the server and the tests. Add new migrations at the end; never edit or reorder landed ones.
const migrations: Record<string, Migration> = {
  '2026_11_24_0300_core_marketplace': coreMarketplace,
  '2026_11_24_0400_scores_and_search': scoresAndSearch,
  '2026_11_24_0500_accounts_and_verification': accountsAndVerification,
  '2026_11_24_0600_orders_and_ledger': ordersAndLedger,
  '2026_11_24_0700_cooperative_workspace': cooperativeWorkspace,
  '2026_11_24_0800_stock_outside_generation': stockOutsideGeneration,
  '2026_11_24_0900_disbursements': disbursements,
  '2026_11_24_1000_attestation_retirement': attestationRetirement,
  '2026_11_24_1100_confirmed_emails_stewards_declared_use': confirmedEmailsStewardsDeclaredUse,
  '2026_11_24_1200_reciprocity_money': reciprocityMoney,
  '2026_12_02_0100_buyer_credit_money': buyerCreditMoney,
  '2026_12_03_0100_reader_language': readerLanguage,
  '2026_12_03_0200_listing_translations': listingTranslations,
  '2026_12_04_0100_delivery': delivery,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
