package httpapi

import "id06desk/internal/i18n"

// The API's own messages. Messages of a domain error live in the package
// that owns the error (settings, invitations, registration, …).
var (
	msgGeneric = i18n.Text{Code: "api.generic",
		SV: "Något gick fel. Försök igen.",
		EN: "Something went wrong. Try again."}
	msgInternal = i18n.Text{Code: "api.internal",
		SV: "Något gick fel i id06desk. Försök igen; om det fortsätter, titta i loggen.",
		EN: "Something went wrong on our side. Try again; if it keeps happening, check the log."}
	msgTooLarge = i18n.Text{Code: "api.too_large",
		SV: "Det som skickades är större än {limit}, gränsen här.",
		EN: "The request is larger than {limit}, the limit here."}
	wordBytes = i18n.Text{Code: "word.bytes",
		SV: "{n} byte", EN: "{n} bytes"}
	msgMediaType = i18n.Text{Code: "api.media_type",
		SV: "Den här adressen tar emot {accepted}; förfrågan skickades som {sent}. Ladda om sidan och försök igen.",
		EN: "This address takes {accepted}; the request was sent as {sent}. Reload the page and try again."}
	msgWrongHost = i18n.Text{Code: "api.wrong_host",
		SV: "id06desk svarar inte på adressen {host}. Öppna den adress som `id06desk serve` skrev ut, eller ställ in public_url på den adress som används.",
		EN: "This server does not answer for the address {host}. Open it at the address `id06desk serve` printed, or set public_url to the address people use."}
	msgKioskLinkUsed = i18n.Text{Code: "kiosk.link_used",
		SV: "Den här kiosklänken är redan använd eller hör till en tidigare start. Starta om `id06desk serve --kiosk` och öppna den nya länken på kioskens skärm.",
		EN: "This kiosk link was already used or belongs to an earlier start. Restart `id06desk serve --kiosk` and open the new link on the kiosk's screen."}
	msgCSVTooLarge = i18n.Text{Code: "csv.too_large",
		SV: "Filen är större än {limit}; dela upp den i mindre filer.",
		EN: "The file is larger than {limit}; split it into smaller files."}
	msgKioskOnly = i18n.Text{Code: "api.kiosk_only",
		SV: "Bara kioskens egen skärm får använda kameran. Öppna kiosklänken som `id06desk serve --kiosk` skrev ut.",
		EN: "Only the kiosk's own screen may use the camera. Open the kiosk link that `id06desk serve --kiosk` printed."}
	msgJSONExtra = i18n.Text{Code: "api.json_extra",
		SV: "Det finns mer efter JSON-värdet i förfrågan; skicka exakt ett.",
		EN: "The request body has more after its JSON value; send exactly one."}
	msgJSONEmpty = i18n.Text{Code: "api.json_empty",
		SV: "Förfrågan är tom; den ska innehålla JSON.",
		EN: "The request body is empty; it must be JSON."}
	msgJSONShort = i18n.Text{Code: "api.json_short",
		SV: "Förfrågan tar slut innan dess JSON är komplett.",
		EN: "The request body ends before its JSON is complete."}
	msgJSONSyntax = i18n.Text{Code: "api.json_syntax",
		SV: "Förfrågan är inte giltig JSON (vid tecken {offset}).",
		EN: "The request body is not valid JSON (at character {offset})."}
	msgJSONBodyType = i18n.Text{Code: "api.json_body_type",
		SV: "Förfrågan ska vara {want}, inte {got}.",
		EN: "The request body must be {want}, not {got}."}
	msgJSONFieldType = i18n.Text{Code: "type",
		SV: "Fältet {field} ska vara {want}, inte {got}.",
		EN: "The field {field} must be {want}, not {got}."}
	msgJSONUnknownField = i18n.Text{Code: "unknown",
		SV: "Fältet {field} är okänt här.",
		EN: "The field {field} is not known here."}
	msgJSONShape = i18n.Text{Code: "api.json_shape",
		SV: "Förfrågan kunde inte läsas som JSON med rätt form.",
		EN: "The request body could not be read as JSON of the right shape."}

	// Words for kinds of JSON values, inside the messages above.
	wordText        = i18n.Text{Code: "word.text", SV: "en text", EN: "text"}
	wordBool        = i18n.Text{Code: "word.bool", SV: "sant eller falskt", EN: "true or false"}
	wordWhole       = i18n.Text{Code: "word.whole", SV: "ett heltal", EN: "a whole number"}
	wordWholeNonNeg = i18n.Text{Code: "word.whole_non_negative", SV: "ett heltal, 0 eller mer", EN: "a whole number, 0 or more"}
	wordNumber      = i18n.Text{Code: "word.number", SV: "ett tal", EN: "a number"}
	wordTheNumber   = i18n.Text{Code: "word.the_number", SV: "talet {n}", EN: "the number {n}"}
	wordList        = i18n.Text{Code: "word.list", SV: "en lista", EN: "a list"}
	wordObject      = i18n.Text{Code: "word.object", SV: "ett objekt", EN: "an object"}
	wordOther       = i18n.Text{Code: "word.other", SV: "ett annat slags värde", EN: "another kind of value"}
	msgBadJSON      = i18n.Text{Code: "api.bad_json",
		SV: "Uppgifterna kunde inte läsas. Ladda om sidan och försök igen.",
		EN: "The request could not be read. Reload the page and try again."}
	msgNotFoundPath = i18n.Text{Code: "api.not_found",
		SV: "Sidan finns inte.",
		EN: "Not found."}
	msgNoEndpoint = i18n.Text{Code: "api.no_endpoint",
		SV: "Den här åtgärden finns inte. Ladda om sidan och försök igen.",
		EN: "There is no such API endpoint. Reload the page and try again."}
	msgMethod = i18n.Text{Code: "api.method_not_allowed",
		SV: "Den här åtgärden stöds inte här. Ladda om sidan och försök igen.",
		EN: "This action is not supported here. Reload the page and try again."}
	msgCrossSite = i18n.Text{Code: "api.cross_site",
		SV: "Förfrågningar från andra webbplatser tas inte emot.",
		EN: "Cross-site requests are not accepted."}
	msgNoUI = i18n.Text{Code: "api.no_ui",
		SV: "Användargränssnittet är inte inbyggt i det här programmet: kör `make build`.",
		EN: "The user interface is not built into this binary: run `make build`."}
	msgAdminOnKiosk = i18n.Text{Code: "api.admin_on_kiosk",
		SV: "Administratörskonsolen går inte att använda på en registreringskiosk.",
		EN: "The admin console is not available on a registration kiosk."}
	msgLogIn = i18n.Text{Code: "api.log_in",
		SV: "Logga in som administratör för att fortsätta.",
		EN: "Log in as admin to continue."}
	msgNoLoginNeeded = i18n.Text{Code: "api.no_login_needed",
		SV: "Här behövs ingen inloggning.",
		EN: "No login is needed here."}
	msgLoginLimited = i18n.Text{Code: "api.login_limited",
		SV: "För många inloggningsförsök. Vänta {wait} och försök igen.",
		EN: "Too many login attempts. Wait {wait} and try again."}
	msgLoginBusy = i18n.Text{Code: "api.login_busy",
		SV: "Servern kontrollerar andra lösenord just nu. Försök igen om en stund.",
		EN: "The server is checking other passwords. Try again in a moment."}
	wordOneSecond = i18n.Text{Code: "word.one_second", SV: "1 sekund", EN: "1 second"}
	wordSeconds   = i18n.Text{Code: "word.seconds", SV: "{n} sekunder", EN: "{n} seconds"}
	wordMinutes   = i18n.Text{Code: "word.minutes", SV: "{n} minuter", EN: "{n} minutes"}
	msgNoPassword = i18n.Text{Code: "api.no_password",
		SV: "Inget administratörslösenord är satt. Kör på den här datorn: id06desk admin password",
		EN: "No admin password is set. On this computer, run: id06desk admin password"}
	msgWrongPassword = i18n.Text{Code: "api.wrong_password",
		SV: "Fel lösenord.",
		EN: "Wrong password."}
	msgInvalid = i18n.Text{Code: "api.invalid",
		SV: "Några uppgifter är inte giltiga. Rätta dem och försök igen.",
		EN: "Some details are not valid. Correct them and try again."}
	msgConflict = i18n.Text{Code: "api.conflict",
		SV: "Det går inte i det läge det är nu. Ladda om sidan och försök igen.",
		EN: "This is not possible in the current state. Reload the page and try again."}
	msgNotConfigured = i18n.Text{Code: "api.not_configured",
		SV: "Ingen e-postserver är inställd: fyll i Inställningar → E-post (server och avsändaradress).",
		EN: "No mail server is set up: fill in Settings → Email (host and sender address)."}
	msgSettingsInvalid = i18n.Text{Code: "settings.invalid",
		SV: "Några inställningar behöver rättas.",
		EN: "Some settings need fixing."}
	msgNoInvitation = i18n.Text{Code: "invitations.not_found",
		SV: "Inbjudan finns inte.",
		EN: "There is no such invitation."}
	msgUnknownStatus = i18n.Text{Code: "api.unknown_status",
		SV: "Okänd status {status}.",
		EN: "Unknown status {status}."}
	msgUnknownAction = i18n.Text{Code: "api.unknown_action",
		SV: "Okänd åtgärd {action}.",
		EN: "Unknown action {action}."}
	msgTooManyRows = i18n.Text{Code: "invitations.too_many_rows",
		SV: "Högst {max} rader åt gången.",
		EN: "At most {max} rows at once."}
	msgNoRows = i18n.Text{Code: "invitations.no_rows",
		SV: "Lägg till minst en kortinnehavare.",
		EN: "Add at least one cardholder."}
	msgRowsInvalid = i18n.Text{Code: "invitations.rows_invalid",
		SV: "{bad} av {total} rader behöver rättas; ingenting skickades.",
		EN: "{bad} of {total} rows need fixing; nothing was sent."}
	msgTestMailTo = i18n.Text{Code: "settings.test_mail_to",
		SV: "Ange en giltig adress att skicka testmejlet till.",
		EN: "Enter a valid address to send the test mail to."}
	msgEmailInvalid = i18n.Text{Code: "email.invalid",
		SV: "Ange en giltig e-postadress.",
		EN: "Enter a valid email address."}
	msgNoBatch = i18n.Text{Code: "nexus.batch_not_found",
		SV: "Det finns ingen sådan batch till Nexus.",
		EN: "There is no such batch for Nexus."}
	msgNoOrder = i18n.Text{Code: "orders.not_found",
		SV: "Beställningen finns inte.",
		EN: "There is no such order."}
	msgDateQuery = i18n.Text{Code: "orders.date",
		SV: "Datumet {name} ska skrivas ÅÅÅÅ-MM-DD.",
		EN: "The date {name} must be written YYYY-MM-DD."}
	msgUnknownOrderStatus = i18n.Text{Code: "orders.unknown_status",
		SV: "Okänd beställningsstatus {status}.",
		EN: "Unknown order status {status}."}
	msgUnknownAuditAction = i18n.Text{Code: "audit.unknown_action",
		SV: "Okänd händelse {action} i filtret.",
		EN: "Unknown action {action} in the filter."}
	msgUnknownActorKind = i18n.Text{Code: "audit.unknown_actor_kind",
		SV: "Okänd sorts aktör {kind} i filtret.",
		EN: "Unknown kind of actor {kind} in the filter."}
	msgBadDate = i18n.Text{Code: "filter.bad_date",
		SV: "{field} ska vara ett datum (ÅÅÅÅ-MM-DD) eller en tidpunkt (RFC 3339), inte {value}.",
		EN: "{field} must be a date (YYYY-MM-DD) or a time (RFC 3339), not {value}."}
	msgPhotoPurged = i18n.Text{Code: "orders.photo_purged",
		SV: "Fotot raderades med beställningens personuppgifter när lagringstiden gick ut.",
		EN: "The photo was deleted with the order's personal data after the retention time."}

	msgNoLink = i18n.Text{Code: "invitations.no_link",
		SV: "Länken i den här inbjudan går inte längre att använda (återkallad, utgången eller redan registrerad), så den har ingen QR-kod.",
		EN: "This invitation's link can no longer be used (revoked, expired or registered already), so it has no QR code."}

	// First run: the setup link.
	msgSetupNotNeeded = i18n.Text{Code: "setup.not_needed",
		SV: "Här behövs inget administratörslösenord.",
		EN: "No admin password is needed here."}
	msgSetupNotLocal = i18n.Text{Code: "setup.not_local",
		SV: "Öppna inställningslänken i en webbläsare på datorn som kör id06desk serve.",
		EN: "Open the setup link in a browser on the computer that runs id06desk serve."}
	msgSetupDone = i18n.Text{Code: "setup.done",
		SV: "Ett administratörslösenord är redan satt. Logga in med det.",
		EN: "An admin password is already set. Log in with it."}
	msgSetupExpired = i18n.Text{Code: "setup.expired",
		SV: "Inställningslänken har gått ut. Starta om id06desk serve för att få en ny, eller kör: id06desk admin password",
		EN: "This setup link has expired. Restart id06desk serve to get a new one, or run: id06desk admin password"}
	msgSetupInvalid = i18n.Text{Code: "setup.invalid",
		SV: "Inställningslänken är inte giltig: den har redan använts, eller så har id06desk serve startats om sedan dess. Använd den senaste länken, eller kör: id06desk admin password",
		EN: "This setup link is not valid: it was used already, or id06desk serve was restarted since. Use the newest link it printed, or run: id06desk admin password"}
	msgSetupBusy = i18n.Text{Code: "setup.busy",
		SV: "För många lösenordskontroller samtidigt. Försök igen om en stund.",
		EN: "Too many password checks at once. Try again in a moment."}
	msgWeakPassword = i18n.Text{Code: "setup.weak_password",
		SV: "Välj ett lösenord med minst 10 tecken.",
		EN: "Choose a password of at least 10 characters."}
	msgWeakPasswordField = i18n.Text{Code: "setup.weak_password",
		SV: "Minst 10 tecken.",
		EN: "At least 10 characters."}

	// Registration.
	msgCodesLimited = i18n.Text{Code: "register.codes_limited",
		SV: "För många felaktiga koder. Vänta {wait} och försök igen.",
		EN: "Too many wrong codes. Wait {wait} and try again."}
	msgVisitID = i18n.Text{Code: "register.visit_id",
		SV: "Kioskens besöks-id är inte giltigt.",
		EN: "The kiosk visit id is not valid."}
	msgCodeFormat = i18n.Text{Code: "register.code_format",
		SV: "Det är ingen giltig kod: koden har 10 bokstäver och siffror, till exempel ABCDE-FGH23.",
		EN: "That is not a valid code: it has 10 letters and digits, like ABCDE-FGH23."}
	msgCodeUnknown = i18n.Text{Code: "register.code_unknown",
		SV: "Ingen inbjudan har den koden. Kontrollera koden i ditt mejl.",
		EN: "No invitation has that code. Check the code in your mail."}
	msgFieldsInvalid = i18n.Text{Code: "register.fields_invalid",
		SV: "Några fält behöver rättas.",
		EN: "Some fields need fixing."}
	msgPhotoTooLarge = i18n.Text{Code: "register.photo_too_large",
		SV: "Fotot är större än 10 MB. Välj ett mindre foto.",
		EN: "The photo is larger than 10 MB. Choose a smaller photo."}
	msgBankIDUnavailable = i18n.Text{Code: "register.bankid_unavailable",
		SV: "BankID går inte att använda här just nu. Registrera dig manuellt.",
		EN: "BankID is not available here right now. Register manually."}
	msgNoPhoto = i18n.Text{Code: "register.no_photo",
		SV: "Ladda upp ett foto först.",
		EN: "Upload a photo first."}
	msgBankIDNoQR = i18n.Text{Code: "bankid.no_qr",
		SV: "Identifieringen är avslutad: det finns ingen QR-kod att visa.",
		EN: "The identification has ended: there is no QR code to show."}
	msgBankIDNotStarted = i18n.Text{Code: "bankid.not_started",
		SV: "Ingen BankID-identifiering har startats för den här inbjudan.",
		EN: "No BankID identification was started for this invitation."}

	// Kiosk.
	msgCaptureNotKiosk = i18n.Text{Code: "kiosk.capture_not_kiosk",
		SV: "Foton tas med kameran bara på registreringskiosken; ladda upp ett foto i stället.",
		EN: "Photos are taken with the camera only at the registration kiosk; upload one instead."}
	msgNotKiosk = i18n.Text{Code: "kiosk.not_kiosk",
		SV: "Det här är ingen kiosk.",
		EN: "This is not a kiosk."}
	msgNoPIN = i18n.Text{Code: "kiosk.no_pin",
		SV: "Ingen PIN-kod för kiosken är satt: ange en under Inställningar → Kiosk eller med `id06desk admin pin`.",
		EN: "No kiosk PIN is set: set one in Settings → Kiosk or with `id06desk admin pin`."}
	msgPINNotHere = i18n.Text{Code: "kiosk.pin_not_here",
		SV: "Kioskens PIN-kod går inte att ange här.",
		EN: "The kiosk PIN cannot be set here."}
	msgPINsLimited = i18n.Text{Code: "kiosk.pins_limited",
		SV: "För många felaktiga PIN-koder. Vänta {wait} och försök igen.",
		EN: "Too many wrong PINs. Wait {wait} and try again."}
	msgPINBusy = i18n.Text{Code: "kiosk.pin_busy",
		SV: "En annan PIN-kod kontrolleras just nu. Försök igen om en stund.",
		EN: "Another PIN is being checked. Try again in a moment."}
	msgWrongPIN = i18n.Text{Code: "kiosk.wrong_pin",
		SV: "Fel PIN-kod.",
		EN: "Wrong PIN."}
	msgPINFormat = i18n.Text{Code: "kiosk.pin_format",
		SV: "PIN-koden ska ha 4 till 12 siffror.",
		EN: "The PIN must be 4 to 12 digits."}
	msgTestCamera = i18n.Text{Code: "kiosk.test_camera",
		SV: "Testbilden kunde inte användas som kamera. Välj en JPEG- eller PNG-bild.",
		EN: "The test picture could not be used as a camera. Choose a JPEG or PNG picture."}
	msgBankIDFile = i18n.Text{Code: "bankid.file",
		SV: "Filen kunde inte sparas. Välj en av certifikatfilerna som listas.",
		EN: "The file could not be stored. Choose one of the certificate files listed."}
)
