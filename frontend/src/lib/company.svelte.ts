// The company name shown in the admin header (company.name from the settings)
// and the identity-check partner named on orders.
import { getSettings } from '../api/settings';
import { DEFAULT_PARTNER, partnerNameFromSettings } from './orders';

export const company = $state<{ name: string; partner: string }>({ name: '', partner: DEFAULT_PARTNER });

export async function loadCompany(): Promise<void> {
  try {
    const s = await getSettings();
    company.name = s.values['company.name'] ?? '';
    company.partner = partnerNameFromSettings(s.values);
  } catch {
    // The header falls back to "Company name not set"; pages show their own errors.
  }
}
