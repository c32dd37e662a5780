// The app frame, navigation, statuses, list pages and waiting texts.
// Swedish and English, with the same keys (the type of `en` checks it).

export const sv = {
  'app.name': 'id06desk',
  'app.tagline': 'ID06-kort för företaget',
  'app.loading': 'Laddar…',
  'app.pageLoadError.title': 'Sidan kunde inte laddas',
  'app.pageLoadError.body': 'Programmet kan ha uppdaterats medan fönstret var öppet. Ladda om för att fortsätta.',
  'app.pageLoadError.reload': 'Ladda om',
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

  'mode.window': 'Skrivbordsfönster',
  'mode.serve': 'Server (webbläsare)',

  'notFound.title': 'Sidan finns inte',
  'notFound.body': 'Adressen {path} leder inte till någon sida i id06desk.',
  'notFound.home': 'Till startsidan',

  'common.cancel': 'Avbryt',

  'status.draft': 'Utkast',
  'status.queued': 'I kö',
  'status.sent': 'Skickad',
  'status.opened': 'Öppnad',
  'status.registered': 'Registrerad',
  'status.ready': 'Klar att beställa',
  'status.sent_to_nexus': 'Skickad till Nexus',
  'status.rejected_by_nexus': 'Nekad av Nexus',
  'status.in_production': 'I tillverkning',
  'status.reopened': 'Återöppnad',
  'status.cancelled': 'Avbeställd',
  'status.delivered': 'Levererad',
  'status.expired': 'Utgången',
  'status.revoked': 'Återkallad',
  'status.bounced': 'Studsade',
  'status.failed': 'Misslyckades',

  'list.all': 'Alla',
  'list.clearFilters': 'Rensa filtren',
  'list.range': '{from}–{to} av {total}',
  'list.pager': 'Sidor',
  'list.prev': 'Föregående',
  'list.next': 'Nästa',
  'list.pageOf': 'Sida {page} av {pages}',

  'wait.seconds.one': '{count} sekund',
  'wait.seconds.other': '{count} sekunder',
  'wait.minutes.one': '{count} minut',
  'wait.minutes.other': '{count} minuter',
  'wait.hours.one': '{count} timme',
  'wait.hours.other': '{count} timmar',
  'wait.hoursMinutes': '{hours} och {minutes}',
} as const;

export const en: Record<keyof typeof sv, string> = {
  'app.name': 'id06desk',
  'app.tagline': 'ID06 cards for your company',
  'app.loading': 'Loading…',
  'app.pageLoadError.title': 'The page could not be loaded',
  'app.pageLoadError.body': 'The app may have been updated while this window was open. Reload to go on.',
  'app.pageLoadError.reload': 'Reload',
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

  'mode.window': 'Desktop window',
  'mode.serve': 'Server (browser)',

  'notFound.title': 'Page not found',
  'notFound.body': 'The address {path} does not lead to a page in id06desk.',
  'notFound.home': 'Go to the start page',

  'common.cancel': 'Cancel',

  'status.draft': 'Draft',
  'status.queued': 'Queued',
  'status.sent': 'Sent',
  'status.opened': 'Opened',
  'status.registered': 'Registered',
  'status.ready': 'Ready to order',
  'status.sent_to_nexus': 'Sent to Nexus',
  'status.rejected_by_nexus': 'Rejected by Nexus',
  'status.in_production': 'In production',
  'status.reopened': 'Reopened',
  'status.cancelled': 'Cancelled',
  'status.delivered': 'Delivered',
  'status.expired': 'Expired',
  'status.revoked': 'Revoked',
  'status.bounced': 'Bounced',
  'status.failed': 'Failed',

  'list.all': 'All',
  'list.clearFilters': 'Clear filters',
  'list.range': '{from}–{to} of {total}',
  'list.pager': 'Pages',
  'list.prev': 'Previous',
  'list.next': 'Next',
  'list.pageOf': 'Page {page} of {pages}',

  'wait.seconds.one': '{count} second',
  'wait.seconds.other': '{count} seconds',
  'wait.minutes.one': '{count} minute',
  'wait.minutes.other': '{count} minutes',
  'wait.hours.one': '{count} hour',
  'wait.hours.other': '{count} hours',
  'wait.hoursMinutes': '{hours} and {minutes}',
};
