package batches

import "id06desk/internal/i18n"

// PersonalDataNotice is what the console shows beside a batch: its file
// holds personal data in clear.
var PersonalDataNotice = i18n.Text{Code: "nexus.personal_data",
	SV: "Batchfilen innehåller personuppgifter i klartext (personnummer och foton), eftersom Nexus beställningsportal behöver dem. Ladda upp den i Nexus, dela den inte vidare och radera den när den är importerad. Sparade filer raderas automatiskt efter {days} dagar.",
	EN: "The batch file holds personal data in clear (identity numbers and photos), because Nexus's order portal needs them. Upload it to Nexus, do not share it, and delete it once it is imported. Saved files are deleted automatically after {days} days."}

var (
	msgNothingReady = i18n.Text{Code: "nexus.nothing_ready",
		SV: "Det finns inga beställningar som är klara att skicka till Nexus.",
		EN: "There are no orders ready to be sent to Nexus."}
	msgNoMailTo = i18n.Text{Code: "nexus.no_mail_to",
		SV: "Ange adressen batcherna ska mejlas till under Inställningar → Nexus, eller välj att spara dem i en mapp.",
		EN: "Enter the address batches are mailed to in Settings → Nexus, or choose to save them to a folder."}
	msgNoSender = i18n.Text{Code: "nexus.no_sender",
		SV: "E-posten är inte inställd: ange avsändaradress och e-postserver under Inställningar → E-post, eller välj att spara batcherna i en mapp.",
		EN: "Mail is not set up: enter the sender address and mail server in Settings → Email, or choose to save batches to a folder."}
	msgDelivery = i18n.Text{Code: "nexus.delivery_failed",
		SV: "Batch {batch} skapades och beställningarna är markerade som skickade till Nexus, men filen kunde inte sparas eller mejlas. Ladda ner batchen igen från listan över batcher.",
		EN: "Batch {batch} was created and its orders are marked as sent to Nexus, but its file could not be saved or mailed. Download the batch again from the list of batches."}
	msgPurged = i18n.Text{Code: "nexus.purged",
		SV: "Filen för batch {batch} finns inte längre och beställningarnas personuppgifter har raderats, så den kan inte skapas igen.",
		EN: "The file of batch {batch} is gone and its orders' personal data has been deleted, so it cannot be made again."}
)
