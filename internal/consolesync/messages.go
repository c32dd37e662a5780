package consolesync

import (
	"errors"

	"id06desk/internal/i18n"
)

// Errors the service returns (each wrapped in an *i18n.Error with its
// sentence; test with errors.Is).
var (
	ErrNotPaired     = errors.New("consolesync: no such kiosk")
	ErrName          = errors.New("consolesync: bad kiosk name or site")
	ErrMailAddress   = errors.New("consolesync: bad kiosk mail address")
	ErrNameTaken     = errors.New("consolesync: a paired kiosk has this name")
	ErrRevoked       = errors.New("consolesync: the kiosk's pairing was revoked")
	ErrReplayed      = errors.New("consolesync: bundle imported before")
	ErrNoKeysYet     = errors.New("consolesync: the kiosk has not sent its first bundle")
	ErrConflictGone  = errors.New("consolesync: no such pending conflict")
	ErrCannotReplace = errors.New("consolesync: the existing order can no longer be replaced")
	ErrResolution    = errors.New("consolesync: unknown resolution")
	ErrJoined        = errors.New("consolesync: the kiosk has joined; its pairing file is spent")
)

var (
	msgNotPaired = i18n.Text{Code: "sync.kiosk_unknown",
		SV: "Det finns ingen kiosk med namnet {name}.",
		EN: "There is no kiosk named {name}."}
	msgOtherLogin = i18n.Text{Code: "sync.other_login",
		SV: "Paketet kom med en annan kiosks inloggning och togs inte emot.",
		EN: "The bundle came with another kiosk's login and was not taken."}
	msgLoginRevoked = i18n.Text{Code: "sync.receiver_login_revoked",
		SV: "Kiosken {name} försökte logga in på konsolens mottagare, men dess parkoppling återkallades {at}: inloggningen nekades och inget togs emot.",
		EN: "Kiosk {name} tried to log in to the console's receiver, but its pairing was revoked {at}: the login was refused and nothing was taken."}
	msgLoginWrong = i18n.Text{Code: "sync.receiver_login_wrong",
		SV: "Någon loggade in på konsolens mottagare som kiosken {name} med fel lösenord: inloggningen nekades. Parkoppla kiosken igen om den inte kan skicka.",
		EN: "Someone logged in to the console's receiver as kiosk {name} with the wrong password: the login was refused. Pair the kiosk again if it cannot send."}
	msgReceiverCert = i18n.Text{Code: "sync.receiver_cert",
		SV: "Mottagarens certifikat ({file}) kan inte läsas, så kiosken kan inte få dess fingeravtryck. Kontrollera sync.receiver.tls_cert i Inställningar → Synk.",
		EN: "The receiver's certificate ({file}) cannot be read, so the kiosk cannot get its fingerprint. Check sync.receiver.tls_cert in Settings → Sync."}
	msgMailAddress = i18n.Text{Code: "sync.kiosk_mail",
		SV: "”{address}” är ingen giltig e-postadress för kioskens brevlåda.",
		EN: "“{address}” is not a valid e-mail address for the kiosk's mailbox."}
	msgName = i18n.Text{Code: "sync.kiosk_name",
		SV: "Ange kioskens namn (högst 120 tecken); platsen får vara högst 120 tecken.",
		EN: "Give the kiosk a name (at most 120 characters); the site may be at most 120 characters."}
	msgNameTaken = i18n.Text{Code: "sync.kiosk_name_taken",
		SV: "Det finns redan en parkopplad kiosk som heter {name}. Välj ett annat namn eller återkalla den först.",
		EN: "A paired kiosk is already named {name}. Choose another name or revoke it first."}
	msgRevoked = i18n.Text{Code: "sync.kiosk_revoked",
		SV: "Kiosken {name} har fått sin parkoppling återkallad ({at}); dess filer tas inte emot.",
		EN: "The pairing of kiosk {name} was revoked ({at}); its files are refused."}
	msgReplayed = i18n.Text{Code: "sync.replayed",
		SV: "Paket nummer {seq} från kiosken {name} importerades redan {at}. Inget har ändrats.",
		EN: "Bundle number {seq} from kiosk {name} was already imported on {at}. Nothing was changed."}
	msgNoKeysYet = i18n.Text{Code: "sync.no_kiosk_keys",
		SV: "Kiosken {name} har ännu inte skickat sitt första paket. Exportera ett paket på kiosken och importera det här först.",
		EN: "Kiosk {name} has not sent its first bundle yet. Export a bundle at the kiosk and import it here first."}
	msgConflictGone = i18n.Text{Code: "sync.conflict_gone",
		SV: "Konflikten finns inte eller är redan löst.",
		EN: "The conflict does not exist or was already resolved."}
	msgCannotReplace = i18n.Text{Code: "sync.cannot_replace",
		SV: "Beställningen som finns har redan gått vidare (status {status}) och kan inte ersättas. Behåll den som finns.",
		EN: "The existing order has already moved on (status {status}) and cannot be replaced. Keep the existing one."}
	msgResolution = i18n.Text{Code: "sync.resolution",
		SV: "Välj vilken som ska behållas: den som finns eller kioskens.",
		EN: "Choose which to keep: the existing one or the kiosk's."}
	msgJoined = i18n.Text{Code: "sync.kiosk_joined",
		SV: "Kiosken {name} har redan anslutit med sin parkopplingsfil, så filen kan inte hämtas igen. Parkoppla en ny kiosk vid behov.",
		EN: "Kiosk {name} has already joined with its pairing file, so the file cannot be fetched again. Pair a new kiosk if needed."}
	msgNoConsole = i18n.Text{Code: "sync.no_console",
		SV: "Den här konsolen har inte parkopplat någon kiosk än, så filen kan inte komma från en av dess kiosker.",
		EN: "This console has not paired any kiosk yet, so the file cannot come from one of its kiosks."}
)

// Refusals of one registration in a bundle.
var (
	msgRegTokenInvalid = i18n.Text{Code: "sync.reg.token_invalid",
		SV: "Registrering {seq}: inbjudans kod är inte giltig för den här konsolen.",
		EN: "Registration {seq}: the invitation's code is not valid for this console."}
	msgRegExpired = i18n.Text{Code: "sync.reg.expired",
		SV: "Registrering {seq}: inbjudan hade gått ut när registreringen gjordes ({at}).",
		EN: "Registration {seq}: the invitation had expired when the registration was made ({at})."}
	msgRegUnknownInvitation = i18n.Text{Code: "sync.reg.unknown_invitation",
		SV: "Registrering {seq}: inbjudan finns inte på den här konsolen.",
		EN: "Registration {seq}: the invitation does not exist on this console."}
	msgRegRevokedBefore = i18n.Text{Code: "sync.reg.revoked_before",
		SV: "Registrering {seq}: inbjudan återkallades ({revoked}) innan registreringen gjordes ({at}).",
		EN: "Registration {seq}: the invitation was revoked ({revoked}) before the registration was made ({at})."}
	msgRegRevokedAfter = i18n.Text{Code: "sync.reg.revoked_after",
		SV: "Registrering {seq}: inbjudan har återkallats ({revoked}) sedan registreringen gjordes; ingen beställning skapades.",
		EN: "Registration {seq}: the invitation has been revoked ({revoked}) since the registration was made; no order was made."}
	msgRegNotOpen = i18n.Text{Code: "sync.reg.not_open",
		SV: "Registrering {seq}: inbjudan (status {status}) kan inte registreras.",
		EN: "Registration {seq}: the invitation (status {status}) cannot be registered."}
	msgRegPhoto = i18n.Text{Code: "sync.reg.photo",
		SV: "Registrering {seq}: fotot är ingen användbar bild (för stort, för litet eller inte en JPEG).",
		EN: "Registration {seq}: the photo is not a usable image (too large, too small or not a JPEG)."}
	msgRegData = i18n.Text{Code: "sync.reg.data",
		SV: "Registrering {seq}: uppgifterna är ofullständiga eller felaktiga.",
		EN: "Registration {seq}: the details are incomplete or wrong."}
)
