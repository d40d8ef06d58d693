// The regions national-format phone numbers are looked for in: a few common ones plus the
// countries of the address book's own phone contacts. One home for the MCP pipeline and the plugin.
import type { CountryCode } from "libphonenumber-js";
import { phoneNumbers } from "../contacts/phone-numbers.js";

const COMMON_REGIONS: CountryCode[] = ["US", "GB", "DE", "FR", "IN", "BR", "ZA", "AU"];

export function contactRegions(contacts: Iterable<{ target: string }>): CountryCode[] {
  const regions = new Set<CountryCode>(COMMON_REGIONS);
  for (const contact of contacts) {
    const country = contact.target.startsWith("+") ? phoneNumbers().parsePhoneNumberFromString(contact.target)?.country : undefined;
    if (country) regions.add(country);
  }
  return [...regions];
}
