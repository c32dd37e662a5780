// Login and the first-run setup.
// Swedish and English, with the same keys (the type of `en` checks it).

export const sv = {
  'login.title': 'Logga in',
  'login.subtitle': 'Administratörskonsol',
  'login.password': 'Lösenord',
  'login.submit': 'Logga in',
  'login.submitting': 'Loggar in…',
  'login.passwordRequired': 'Skriv lösenordet.',
  'login.locked': 'För många försök. Vänta {wait} och försök igen.',
  'login.noPassword.title': 'Inget administratörslösenord är satt',
  'login.noPassword.link':
    'Öppna länken som id06desk serve skrev ut i terminalen när det startade. Den fungerar en gång, i en timme, i en webbläsare på den här datorn.',
  'login.noPassword.body': 'Eller kör det här kommandot på den här datorn:',
  'login.noPassword.after': 'Ladda sedan om sidan.',

  'setup.title': 'Välj administratörslösenord',
  'setup.intro': 'id06desk startas för första gången. Välj lösenordet som du loggar in i administratörskonsolen med.',
  'setup.password': 'Nytt lösenord',
  'setup.repeat': 'Upprepa lösenordet',
  'setup.hint': 'Minst {min} tecken.',
  'setup.submit': 'Spara och logga in',
  'setup.submitting': 'Sparar…',
  'setup.passwordRequired': 'Skriv ett lösenord.',
  'setup.passwordShort': 'Lösenordet måste ha minst {min} tecken.',
  'setup.repeatMismatch': 'Lösenorden är inte likadana. Skriv samma lösenord två gånger.',
  'setup.noToken': 'Länken är ofullständig. Öppna hela länken som id06desk serve skrev ut i terminalen.',
  'setup.orCli': 'Du kan också sätta lösenordet i terminalen på den här datorn:',
  'setup.toLogin': 'Till inloggningen',
  'setup.error.setup_invalid':
    'Länken gäller inte: den är redan använd, eller id06desk serve har startats om sedan dess. Använd den senaste länken som skrevs ut.',
  'setup.error.setup_expired': 'Länken har gått ut (den gäller en timme). Starta om id06desk serve för att få en ny länk.',
  'setup.error.setup_done': 'Ett administratörslösenord är redan satt. Logga in med det.',
  'setup.error.setup_not_local': 'Länken fungerar bara i en webbläsare på datorn där id06desk serve körs.',
  'setup.error.weak_password': 'Lösenordet måste ha minst 10 tecken.',
} as const;

export const en: Record<keyof typeof sv, string> = {
  'login.title': 'Log in',
  'login.subtitle': 'Admin console',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.submitting': 'Logging in…',
  'login.passwordRequired': 'Enter the password.',
  'login.locked': 'Too many attempts. Wait {wait} and try again.',
  'login.noPassword.title': 'No admin password is set',
  'login.noPassword.link':
    'Open the link that id06desk serve printed in its terminal when it started. It works once, for one hour, in a browser on this computer.',
  'login.noPassword.body': 'Or run this command on this computer:',
  'login.noPassword.after': 'Then reload this page.',

  'setup.title': 'Choose the admin password',
  'setup.intro': 'This is the first start of id06desk. Choose the password you will log in to the admin console with.',
  'setup.password': 'New password',
  'setup.repeat': 'Repeat the password',
  'setup.hint': 'At least {min} characters.',
  'setup.submit': 'Save and log in',
  'setup.submitting': 'Saving…',
  'setup.passwordRequired': 'Enter a password.',
  'setup.passwordShort': 'The password needs at least {min} characters.',
  'setup.repeatMismatch': 'The passwords differ. Type the same password twice.',
  'setup.noToken': 'The link is incomplete. Open the whole link that id06desk serve printed in its terminal.',
  'setup.orCli': 'You can also set the password in a terminal on this computer:',
  'setup.toLogin': 'Go to the login',
  'setup.error.setup_invalid':
    'This link is not valid: it was used already, or id06desk serve was restarted since. Use the newest link it printed.',
  'setup.error.setup_expired': 'This link has expired (it works for one hour). Restart id06desk serve to get a new link.',
  'setup.error.setup_done': 'An admin password is already set. Log in with it.',
  'setup.error.setup_not_local': 'The link works only in a browser on the computer that runs id06desk serve.',
  'setup.error.weak_password': 'The password needs at least 10 characters.',
};
