// All user-visible strings. Two dictionaries with the same keys; a unit test
// checks the key sets and placeholders match and that nothing is empty.
// Placeholders are written {name} and filled by translate().

export type Locale = 'sv' | 'en';
export const LOCALES: readonly Locale[] = ['sv', 'en'];
export const DEFAULT_LOCALE: Locale = 'sv';

const sv = {
  'app.name': 'id06desk',
  'app.tagline': 'ID06-kort för företaget',
  'app.loading': 'Laddar…',
  'app.skipToContent': 'Hoppa till innehållet',
  'app.companyUnset': 'Företagsnamn ej angivet',
  'app.sessionError.title': 'Kunde inte ansluta till id06desk',
  'app.sessionError.body':
    'Appens tjänst svarade inte. Kontrollera att id06desk är igång och försök igen.',
  'app.retry': 'Försök igen',

  'lang.label': 'Språk',
  'lang.sv': 'Svenska',
  'lang.en': 'English',

  'nav.label': 'Huvudmeny',
  'nav.invitations': 'Inbjudningar',
  'nav.orders': 'Beställningar',
  'nav.kiosks': 'Kiosker och synk',
  'nav.settings': 'Inställningar',

  'header.logout': 'Logga ut',
  'header.logoutFailed': 'Utloggningen misslyckades: {message}',

  'invitations.title': 'Inbjudningar',
  'invitations.empty.title': 'Inga inbjudningar ännu',
  'invitations.empty.body':
    'Här visas inbjudningarna som skickas till kortinnehavare, med status för var och en.',

  'orders.title': 'Beställningar',
  'orders.empty.title': 'Inga beställningar ännu',
  'orders.empty.body':
    'När en kortinnehavare har registrerat sig visas beställningen här, redo att granskas och skickas till Nexus.',

  'kiosks.title': 'Kiosker och synk',
  'kiosks.empty.title': 'Inga kiosker parkopplade',
  'kiosks.empty.body':
    'Kiosker som parkopplats med den här konsolen visas här, med tidpunkten för deras senaste synkronisering.',

  'settings.title': 'Inställningar',
  'settings.empty.title': 'Inga inställningar att ändra ännu',
  'settings.empty.body':
    'Företagsuppgifter, e-post och Nexus-inställningar visas här.',
  'settings.about.title': 'Om id06desk',
  'settings.about.loading': 'Hämtar status…',
  'settings.about.error': 'Kunde inte hämta status. {message}',
  'settings.about.refresh': 'Uppdatera',
  'settings.about.version': 'Version',
  'settings.about.status': 'Status',
  'settings.about.database': 'Databas',
  'settings.about.schemaVersion': 'Schemaversion',
  'settings.about.databasePath': 'Databasfil',
  'settings.about.dataDir': 'Datamapp',
  'settings.about.mode': 'Läge',
  'settings.about.checkedAt': 'Kontrollerad',
  'settings.status.ok': 'Allt fungerar',
  'settings.status.degraded': 'Begränsad funktion',
  'settings.db.ok': 'OK',
  'settings.db.error': 'Fel',
  'mode.window': 'Skrivbordsfönster',
  'mode.serve': 'Server (webbläsare)',

  'login.title': 'Logga in',
  'login.subtitle': 'Administratörskonsol',
  'login.password': 'Lösenord',
  'login.submit': 'Logga in',
  'login.submitting': 'Loggar in…',
  'login.passwordRequired': 'Skriv lösenordet.',
  'login.rateLimited.one': 'För många försök. Vänta {seconds} sekund och försök igen.',
  'login.rateLimited.other': 'För många försök. Vänta {seconds} sekunder och försök igen.',
  'login.noPassword.title': 'Inget administratörslösenord är satt',
  'login.noPassword.body': 'Kör det här kommandot på den här datorn:',
  'login.noPassword.after': 'Ladda sedan om sidan.',

  'kiosk.title': 'Registrera dig för ditt ID06-kort',
  'kiosk.instructions': 'Visa QR-koden från din inbjudan för kameran',
  'kiosk.cameraPlaceholder': 'Kamerabilden visas här',
  'kiosk.or': 'eller',
  'kiosk.typeCode': 'Skriv in din kod',
  'kiosk.langLabel': 'Välj språk',

  'register.code.title': 'Skriv in din kod',
  'register.code.intro': 'Koden finns i mejlet med din inbjudan. Den har 8–10 tecken.',
  'register.code.label': 'Inbjudningskod',
  'register.code.hint': 'Bokstäver och siffror. 0, 1, I och O används inte.',
  'register.code.submit': 'Fortsätt',
  'register.code.checking': 'Kontrollerar…',
  'register.code.back': 'Tillbaka',
  'register.code.empty': 'Skriv in koden från din inbjudan.',
  'register.code.tooShort': 'Koden är för kort. Den har 8–10 tecken.',
  'register.code.tooLong': 'Koden är för lång. Den har 8–10 tecken.',
  'register.code.badChars':
    'Koden kan inte innehålla {chars}. Koderna har aldrig 0, 1, I eller O. Kontrollera koden i mejlet.',
  'register.code.found': 'Inbjudan hittades. Öppnar…',
  'register.code.error.not_found':
    'Vi hittade ingen inbjudan med den koden. Kontrollera koden i ditt mejl.',

  'register.token.checking': 'Kontrollerar din inbjudan…',
  'register.token.errorTitle': 'Inbjudan kunde inte öppnas',
  'register.token.error.not_found':
    'Vi hittade ingen inbjudan för den här länken. Kontrollera att du öppnade hela länken från mejlet, eller skriv in koden i stället.',
  'register.token.okTitle': 'Din inbjudan är giltig',
  'register.token.okBody': 'Registreringen öppnas här i en kommande version av id06desk.',
  'register.token.typeCode': 'Skriv in koden i stället',

  'notFound.title': 'Sidan finns inte',
  'notFound.body': 'Adressen {path} leder inte till någon sida i id06desk.',
  'notFound.home': 'Till startsidan',

  'error.bad_request': 'Uppgifterna kunde inte tas emot. Kontrollera dem och försök igen.',
  'error.invalid': 'Några uppgifter är inte giltiga. Rätta dem och försök igen.',
  'error.method_not_allowed': 'Den här åtgärden stöds inte. Ladda om sidan och försök igen.',
  'error.unauthorized': 'Du behöver logga in igen.',
  'error.forbidden': 'Du har inte behörighet till det här.',
  'error.not_found': 'Det du letar efter finns inte.',
  'error.conflict': 'Ändringen krockar med en annan ändring. Ladda om sidan och försök igen.',
  'error.rate_limited': 'För många försök. Vänta en stund och försök igen.',
  'error.too_large': 'Det du skickade är för stort.',
  'error.invalid_password': 'Fel lösenord. Försök igen.',
  'error.no_password': 'Inget administratörslösenord är satt. Kör: id06desk admin password',
  'error.internal':
    'Något gick fel i id06desk. Försök igen; om felet kvarstår, titta i loggen.',
  'error.unavailable': 'Tjänsten är inte tillgänglig just nu. Försök igen om en stund.',
  'error.network': 'Kunde inte nå id06desk. Kontrollera anslutningen och försök igen.',
  'error.unknown': 'Något gick fel. Försök igen.',
} as const;

export type MessageKey = keyof typeof sv;

const en: Record<MessageKey, string> = {
  'app.name': 'id06desk',
  'app.tagline': 'ID06 cards for your company',
  'app.loading': 'Loading…',
  'app.skipToContent': 'Skip to content',
  'app.companyUnset': 'Company name not set',
  'app.sessionError.title': 'Could not connect to id06desk',
  'app.sessionError.body':
    "The app's service did not answer. Check that id06desk is running and try again.",
  'app.retry': 'Try again',

  'lang.label': 'Language',
  'lang.sv': 'Svenska',
  'lang.en': 'English',

  'nav.label': 'Main menu',
  'nav.invitations': 'Invitations',
  'nav.orders': 'Orders',
  'nav.kiosks': 'Kiosks & sync',
  'nav.settings': 'Settings',

  'header.logout': 'Log out',
  'header.logoutFailed': 'Could not log out: {message}',

  'invitations.title': 'Invitations',
  'invitations.empty.title': 'No invitations yet',
  'invitations.empty.body':
    'Invitations sent to cardholders will appear here, with the status of each one.',

  'orders.title': 'Orders',
  'orders.empty.title': 'No orders yet',
  'orders.empty.body':
    'When a cardholder has registered, their order appears here, ready to be reviewed and sent to Nexus.',

  'kiosks.title': 'Kiosks & sync',
  'kiosks.empty.title': 'No kiosks paired',
  'kiosks.empty.body':
    'Kiosks paired with this console will appear here, with the time of their last sync.',

  'settings.title': 'Settings',
  'settings.empty.title': 'No settings to change yet',
  'settings.empty.body': 'Company details, mail and Nexus settings will appear here.',
  'settings.about.title': 'About id06desk',
  'settings.about.loading': 'Checking status…',
  'settings.about.error': 'Could not get the status. {message}',
  'settings.about.refresh': 'Refresh',
  'settings.about.version': 'Version',
  'settings.about.status': 'Status',
  'settings.about.database': 'Database',
  'settings.about.schemaVersion': 'Schema version',
  'settings.about.databasePath': 'Database file',
  'settings.about.dataDir': 'Data directory',
  'settings.about.mode': 'Mode',
  'settings.about.checkedAt': 'Checked',
  'settings.status.ok': 'All systems working',
  'settings.status.degraded': 'Degraded',
  'settings.db.ok': 'OK',
  'settings.db.error': 'Error',
  'mode.window': 'Desktop window',
  'mode.serve': 'Server (browser)',

  'login.title': 'Log in',
  'login.subtitle': 'Admin console',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.submitting': 'Logging in…',
  'login.passwordRequired': 'Enter the password.',
  'login.rateLimited.one': 'Too many attempts. Wait {seconds} second and try again.',
  'login.rateLimited.other': 'Too many attempts. Wait {seconds} seconds and try again.',
  'login.noPassword.title': 'No admin password is set',
  'login.noPassword.body': 'On this computer, run:',
  'login.noPassword.after': 'Then reload this page.',

  'kiosk.title': 'Register for your ID06 card',
  'kiosk.instructions': 'Show the QR code from your invitation to the camera',
  'kiosk.cameraPlaceholder': 'Camera preview will appear here',
  'kiosk.or': 'or',
  'kiosk.typeCode': 'Type your code',
  'kiosk.langLabel': 'Choose language',

  'register.code.title': 'Type your code',
  'register.code.intro': 'The code is in your invitation email. It has 8–10 characters.',
  'register.code.label': 'Invitation code',
  'register.code.hint': 'Letters and digits. 0, 1, I and O are not used.',
  'register.code.submit': 'Continue',
  'register.code.checking': 'Checking…',
  'register.code.back': 'Back',
  'register.code.empty': 'Enter the code from your invitation.',
  'register.code.tooShort': 'The code is too short. It has 8–10 characters.',
  'register.code.tooLong': 'The code is too long. It has 8–10 characters.',
  'register.code.badChars':
    'The code cannot contain {chars}. Codes never use 0, 1, I or O. Check the code in your mail.',
  'register.code.found': 'Invitation found. Opening…',
  'register.code.error.not_found':
    'We could not find an invitation with that code. Check the code in your mail.',

  'register.token.checking': 'Checking your invitation…',
  'register.token.errorTitle': 'The invitation could not be opened',
  'register.token.error.not_found':
    'We could not find an invitation for this link. Check that you opened the whole link from the mail, or type the code instead.',
  'register.token.okTitle': 'Your invitation is valid',
  'register.token.okBody': 'Registration will open here in a coming version of id06desk.',
  'register.token.typeCode': 'Type the code instead',

  'notFound.title': 'Page not found',
  'notFound.body': 'The address {path} does not lead to a page in id06desk.',
  'notFound.home': 'Go to the start page',

  'error.bad_request': 'The details could not be accepted. Check them and try again.',
  'error.invalid': 'Some details are not valid. Correct them and try again.',
  'error.method_not_allowed': 'This action is not supported. Reload the page and try again.',
  'error.unauthorized': 'You need to log in again.',
  'error.forbidden': 'You are not allowed to do this.',
  'error.not_found': 'What you are looking for does not exist.',
  'error.conflict': 'This change clashes with another change. Reload the page and try again.',
  'error.rate_limited': 'Too many attempts. Wait a moment and try again.',
  'error.too_large': 'What you sent is too large.',
  'error.invalid_password': 'Wrong password. Try again.',
  'error.no_password': 'No admin password is set. Run: id06desk admin password',
  'error.internal': 'Something went wrong in id06desk. Try again; if it keeps happening, check the log.',
  'error.unavailable': 'The service is not available right now. Try again in a moment.',
  'error.network': 'Could not reach id06desk. Check the connection and try again.',
  'error.unknown': 'Something went wrong. Try again.',
};

export const dictionaries: Record<Locale, Record<MessageKey, string>> = { sv, en };

export function isLocale(value: unknown): value is Locale {
  return value === 'sv' || value === 'en';
}

export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(sv, key);
}

export type Params = Record<string, string | number>;

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = dictionaries[locale][key] ?? dictionaries[DEFAULT_LOCALE][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Picks `<base>.one` or `<base>.other` by the locale's plural rules. */
export function translatePlural(
  locale: Locale,
  base: string,
  count: number,
  params: Params = {},
): string {
  const form = new Intl.PluralRules(locale).select(count) === 'one' ? 'one' : 'other';
  const key = `${base}.${form}`;
  if (!hasKey(key)) return key;
  return translate(locale, key, { count, ...params });
}

/** The minimal shape of an API error that can be shown to a person. */
export interface ShowableError {
  code: string;
  message?: string;
}

/**
 * A user-facing message for an API error: first a message specific to the
 * context (`<context>.error.<code>`), then the general one for the code
 * (`error.<code>`), then the server's own (English) message.
 */
export function errorText(locale: Locale, err: ShowableError, context?: string): string {
  if (context) {
    const specific = `${context}.error.${err.code}`;
    if (hasKey(specific)) return translate(locale, specific);
  }
  const general = `error.${err.code}`;
  if (hasKey(general)) return translate(locale, general);
  if (err.message) return err.message;
  return translate(locale, 'error.unknown');
}

const intlLocale: Record<Locale, string> = { sv: 'sv-SE', en: 'en-GB' };

export function formatDateTime(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(intlLocale[locale], {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

export function formatDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: 'long' }).format(date);
}
