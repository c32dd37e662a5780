// The company name shown in the admin header (company.name from the settings).
import { getSettings } from '../api/settings';

export const company = $state<{ name: string }>({ name: '' });

export async function loadCompany(): Promise<void> {
  try {
    const s = await getSettings();
    company.name = s.values['company.name'] ?? '';
  } catch {
    // The header falls back to "Company name not set"; pages show their own errors.
  }
}
