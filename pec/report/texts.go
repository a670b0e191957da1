package report

import (
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/mailbox"
	"github.com/sigillo/sigillo/receipt"
)

// texts are the fixed words of the report in one language.
type texts struct {
	Lang, Title, Intro, Generated, Clock, Files                         string
	Transmissions, NoTransmissions, Transmission, ID, MsgID, Subject    string
	Sender, Accepted, NotAccepted, Rejected, Recipients, Address, Type  string
	State, Overdue, Late, Yes, No, Timeline, Time, Event, Provider      string
	Evidence, Messages, File, SHA256, Verdict, Certified, NotCertified  string
	Reason, Kind, Signer, Issuer, Chain, Serial, Validity, From, To     string
	SigningTime, LocalTime, UTCTime, Daticert, Field, Value, Findings   string
	NoFindings, Attachments, Name, ContentType, Size, Unavailable, Code string
	Received, Unproven, UnprovenIntro, Error, ReadError, NoSigningTime  string
	DeliveryDeadline, Extended, Summary, NotAnalysed, Truncated         string
	SumCertified, SumDelivered, SumNotDelivered, SumOther, SumUnproven  string
}

func textsIT() texts {
	return texts{
		Lang: "it", Title: "Fascicolo delle prove di consegna PEC",
		Intro:     "Questo documento riassume, per ogni messaggio di posta elettronica certificata inviato, l'esito della consegna a ciascun destinatario e le prove su cui si basa: le ricevute firmate dai gestori, la verifica della firma, i dati di certificazione e l'impronta SHA-256 di ogni file esaminato.",
		Generated: "Generato il", Clock: "Stato valutato al", Files: "File esaminati",
		Transmissions: "Invii", NoTransmissions: "Nessun invio trovato tra i messaggi esaminati.",
		Transmission: "Invio", ID: "Identificativo", MsgID: "Message-ID del mittente", Subject: "Oggetto",
		Sender: "Mittente", Accepted: "Accettato il", NotAccepted: "ricevuta di accettazione non presente", Rejected: "Messaggio non accettato dal gestore del mittente",
		Recipients: "Destinatari", Address: "Indirizzo", Type: "Tipo", State: "Esito", Overdue: "Oltre il termine di 24 ore", Late: "Nessuna notizia dopo 12 ore",
		Yes: "sì", No: "no", Timeline: "Cronologia", Time: "Data e ora", Event: "Evento", Provider: "Gestore",
		Evidence: "Prove (file e impronta SHA-256)", Messages: "Messaggi esaminati", File: "File", SHA256: "SHA-256 del file",
		Verdict: "Esito della verifica", Certified: "Certificato", NotCertified: "Non certificato",
		Reason: "Motivo", Kind: "Tipo di messaggio", Signer: "Certificato del firmatario", Issuer: "Emesso da",
		Chain: "Catena di certificazione", Serial: "Numero di serie", Validity: "Validità", From: "dal", To: "al",
		SigningTime: "Ora della firma", LocalTime: "ora italiana", UTCTime: "UTC", Daticert: "Dati di certificazione (daticert.xml)",
		Field: "Campo", Value: "Valore", Findings: "Osservazioni", NoFindings: "Nessuna osservazione.",
		Attachments: "Allegati", Name: "Nome", ContentType: "Tipo di contenuto", Size: "Dimensione (byte)", Unavailable: "non disponibile", Code: "Codice",
		Received: "Messaggi certificati ricevuti", Unproven: "Messaggi non certificati",
		UnprovenIntro: "Questi messaggi dichiarano di essere ricevute o buste PEC ma la loro firma non è valida o non è di un gestore accreditato: non provano nulla e non modificano l'esito degli invii.",
		Error:         "Errore", ReadError: "Il file non è leggibile come messaggio di posta", NoSigningTime: "non presente",
		DeliveryDeadline: "Termine per la ricevuta di consegna", Extended: "Errore esteso", Summary: "Riepilogo",
		NotAnalysed: "non analizzato", Truncated: "altri allegati non elencati",
		SumCertified: "Messaggi certificati ricevuti", SumDelivered: "Ricevute di consegna", SumNotDelivered: "Mancate consegne (anche per superamento dei tempi)",
		SumOther: "Altro (accettazioni, prese in carico, virus, anomalie)", SumUnproven: "Messaggi non certificati",
	}
}

func textsEN() texts {
	return texts{
		Lang: "en", Title: "PEC delivery evidence dossier",
		Intro:     "This document sums up, for each certified e-mail message sent, the delivery outcome for each recipient and the evidence it rests on: the receipts signed by the providers, the signature verification, the certification data and the SHA-256 digest of every file examined.",
		Generated: "Generated on", Clock: "State as of", Files: "Files examined",
		Transmissions: "Transmissions", NoTransmissions: "No transmission found among the messages examined.",
		Transmission: "Transmission", ID: "Identificativo", MsgID: "Sender's Message-ID", Subject: "Subject",
		Sender: "Sender", Accepted: "Accepted on", NotAccepted: "no acceptance receipt", Rejected: "Message not accepted by the sender's provider",
		Recipients: "Recipients", Address: "Address", Type: "Type", State: "Outcome", Overdue: "Past the 24-hour deadline", Late: "No news after 12 hours",
		Yes: "yes", No: "no", Timeline: "Timeline", Time: "Date and time", Event: "Event", Provider: "Provider",
		Evidence: "Evidence (file and SHA-256 digest)", Messages: "Messages examined", File: "File", SHA256: "SHA-256 of the file",
		Verdict: "Verification outcome", Certified: "Certified", NotCertified: "Not certified",
		Reason: "Reason", Kind: "Message kind", Signer: "Signer certificate", Issuer: "Issued by",
		Chain: "Certification path", Serial: "Serial number", Validity: "Validity", From: "from", To: "to",
		SigningTime: "Signing time", LocalTime: "Italian time", UTCTime: "UTC", Daticert: "Certification data (daticert.xml)",
		Field: "Field", Value: "Value", Findings: "Findings", NoFindings: "No findings.",
		Attachments: "Attachments", Name: "Name", ContentType: "Content type", Size: "Size (bytes)", Unavailable: "unavailable", Code: "Code",
		Received: "Certified messages received", Unproven: "Uncertified messages",
		UnprovenIntro: "These messages claim to be PEC receipts or envelopes but their signature is not valid or not from an accredited provider: they prove nothing and do not change any outcome.",
		Error:         "Error", ReadError: "The file cannot be read as a mail message", NoSigningTime: "absent",
		DeliveryDeadline: "Deadline for the delivery receipt", Extended: "Extended error", Summary: "Summary",
		NotAnalysed: "not analysed", Truncated: "more attachments not listed",
		SumCertified: "Certified messages received", SumDelivered: "Delivery receipts", SumNotDelivered: "Non-deliveries (time limits included)",
		SumOther: "Other (acceptances, presa in carico, viruses, anomalies)", SumUnproven: "Uncertified messages",
	}
}

func textsFor(lang string) texts {
	if lang == "en" {
		return textsEN()
	}
	return textsIT()
}

// kindName names a PEC kind in the report's language.
func kindName(lang string, k receipt.Kind) string {
	it := map[receipt.Kind]string{
		receipt.KindAccettazione:            "Ricevuta di accettazione",
		receipt.KindNonAccettazione:         "Avviso di non accettazione",
		receipt.KindPresaInCarico:           "Ricevuta di presa in carico",
		receipt.KindAvvenutaConsegna:        "Ricevuta di avvenuta consegna",
		receipt.KindErroreConsegna:          "Avviso di mancata consegna",
		receipt.KindPreavvisoErroreConsegna: "Avviso di mancata consegna per superamento dei tempi massimi",
		receipt.KindRilevazioneVirus:        "Avviso di rilevazione virus",
		receipt.KindPostaCertificata:        "Busta di trasporto (posta certificata)",
		receipt.KindAnomalia:                "Busta di anomalia",
		receipt.KindNotPEC:                  "Messaggio non PEC",
	}
	en := map[receipt.Kind]string{
		receipt.KindAccettazione:            "Acceptance receipt",
		receipt.KindNonAccettazione:         "Non-acceptance notice",
		receipt.KindPresaInCarico:           "Taking-charge receipt (presa in carico)",
		receipt.KindAvvenutaConsegna:        "Delivery receipt",
		receipt.KindErroreConsegna:          "Non-delivery notice",
		receipt.KindPreavvisoErroreConsegna: "Non-delivery notice, time limit exceeded",
		receipt.KindRilevazioneVirus:        "Virus detection notice",
		receipt.KindPostaCertificata:        "Transport envelope (posta certificata)",
		receipt.KindAnomalia:                "Anomaly envelope",
		receipt.KindNotPEC:                  "Not a PEC message",
	}
	m := it
	if lang == "en" {
		m = en
	}
	if s, ok := m[k]; ok {
		return s
	}
	return string(k)
}

// stateName names a recipient state.
func stateName(lang string, s pec.State) string {
	it := map[pec.State]string{
		pec.StatePending:        "in attesa",
		pec.StateOrdinary:       "destinatario non PEC: nessuna ricevuta prevista",
		pec.StateTakenOver:      "preso in carico dal gestore del destinatario",
		pec.StateTimeoutWarning: "non ancora consegnato dopo 12 ore",
		pec.StateTimeout:        "non consegnato entro 24 ore",
		pec.StateDelivered:      "consegnato",
		pec.StateFailed:         "non consegnato",
		pec.StateRejected:       "non inviato (messaggio non accettato)",
	}
	en := map[pec.State]string{
		pec.StatePending:        "pending",
		pec.StateOrdinary:       "ordinary recipient: no receipt expected",
		pec.StateTakenOver:      "taken over by the recipient's provider",
		pec.StateTimeoutWarning: "not yet delivered after 12 hours",
		pec.StateTimeout:        "not delivered within 24 hours",
		pec.StateDelivered:      "delivered",
		pec.StateFailed:         "not delivered",
		pec.StateRejected:       "not sent (message not accepted)",
	}
	m := it
	if lang == "en" {
		m = en
	}
	if v, ok := m[s]; ok {
		return v
	}
	return string(s)
}

// statusText explains a verification status.
func statusText(lang string, s envelope.Status) string {
	it := map[envelope.Status]string{
		envelope.StatusValid:     "La firma del gestore è valida: il messaggio è integro, firmato da un gestore PEC accreditato, con un certificato valido all'ora della firma.",
		envelope.StatusUntrusted: "Il messaggio è integro, ma chi lo ha firmato non risulta un gestore PEC accreditato al momento della firma.",
		envelope.StatusInvalid:   "La firma non corrisponde al contenuto: il messaggio è stato alterato o la firma è errata.",
		envelope.StatusAbsent:    "Il messaggio non è firmato.",
		envelope.StatusMalformed: "La struttura firmata del messaggio non è leggibile.",
	}
	en := map[envelope.Status]string{
		envelope.StatusValid:     "The provider signature is valid: the message is intact, signed by an accredited PEC provider, with a certificate valid at the signing time.",
		envelope.StatusUntrusted: "The message is intact, but its signer is not an accredited PEC provider at the signing time.",
		envelope.StatusInvalid:   "The signature does not match the content: the message was altered or the signature is wrong.",
		envelope.StatusAbsent:    "The message is not signed.",
		envelope.StatusMalformed: "The signed structure of the message cannot be read.",
	}
	m := it
	if lang == "en" {
		m = en
	}
	return m[s]
}

// reasonText explains why a signature is not valid, from the stable reason code
// of envelope.Report.Err ([envelope.ReasonCode]).
func reasonText(lang string, err error) string {
	if err == nil {
		return ""
	}
	if t, ok := reasonTexts()[envelope.ReasonCode(err)]; ok {
		if lang == "en" {
			return t.en
		}
		return t.it
	}
	if lang == "en" {
		return "verification failed: " + err.Error()
	}
	return "verifica non riuscita: " + err.Error()
}

// text is a text in Italian and in English.
type text struct{ it, en string }

// reasonTexts explains each signature reason code (the envelope Code* constants).
func reasonTexts() map[string]text {
	return map[string]text{
		envelope.CodeNotSigned:            {"il messaggio non ha una firma S/MIME", "the message has no S/MIME signature"},
		envelope.CodeMalformed:            {"la firma o la struttura MIME sono malformate", "the signature or the MIME structure is malformed"},
		envelope.CodeTooLarge:             {"il messaggio supera un limite di verifica", "the message exceeds a verification limit"},
		envelope.CodeDigestMismatch:       {"l'impronta del contenuto non coincide con quella firmata: il contenuto è stato modificato dopo la firma", "the content digest differs from the signed one: the content was changed after signing"},
		envelope.CodeBadSignature:         {"la firma crittografica non è valida", "the cryptographic signature is not valid"},
		envelope.CodeSignerNotFound:       {"il certificato del firmatario non è incluso nel messaggio", "the signer certificate is not included in the message"},
		envelope.CodeSignerCount:          {"il messaggio non ha esattamente un firmatario", "the message does not have exactly one signer"},
		envelope.CodeUnsupportedAlgorithm: {"la firma usa un algoritmo non supportato", "the signature uses an unsupported algorithm"},
		envelope.CodeUnknownAuthority:     {"il certificato non discende da un'autorità di certificazione PEC riconosciuta", "the certificate does not chain to a recognised PEC certification authority"},
		envelope.CodeExpiredAtSigningTime: {"il certificato era scaduto all'ora della verifica", "the certificate had expired at the verification time"},
		envelope.CodeNotYetValid:          {"il certificato non era ancora valido all'ora della verifica", "the certificate was not yet valid at the verification time"},
		envelope.CodeAnchorNotValidAt:     {"l'autorità di certificazione non era valida all'ora della verifica", "the trust anchor was not valid at the verification time"},
		envelope.CodeCAConstraint:         {"la catena di certificazione viola un vincolo delle autorità", "the certification path violates a CA constraint"},
		envelope.CodeNameConstraint:       {"la catena di certificazione viola un vincolo sui nomi", "the certification path violates a name constraint"},
		envelope.CodeKeyUsage:             {"il certificato non è abilitato alla firma", "the certificate is not enabled for signing"},
		envelope.CodeExtKeyUsage:          {"il certificato non è abilitato alla posta elettronica protetta", "the certificate is not enabled for e-mail protection"},
		envelope.CodeSenderMismatch:       {"l'indirizzo del mittente non è quello del certificato del gestore", "the sender address is not the one in the provider certificate"},
		envelope.CodeNoSigningTime:        {"la firma non indica l'ora e non è stata indicata un'ora di verifica", "the signature has no signing time and no verification time was given"},
		envelope.CodeKeyOutsideValidity:   {"la firma è stata apposta fuori dal periodo di validità del certificato del gestore", "the signature was made outside the validity of the provider certificate"},
		envelope.CodeSigningTimeInFuture:  {"l'ora della firma è successiva all'ora della verifica", "the signing time is later than the verification time"},
		envelope.CodeLegacyCryptoOutOfEra: {"la catena usa algoritmi o chiavi di vecchia generazione su una firma successiva al 14 gennaio 2018", "the chain uses legacy algorithms or keys on a signature made after 14 January 2018"},
	}
}

// findingText explains a finding code; "" when the code is not known (the report
// then shows the code and the detail).
func findingText(lang, code string) string {
	v, ok := findingTexts()[code]
	if !ok {
		return ""
	}
	if lang == "en" {
		return v.en
	}
	return v.it
}

// findingTexts explains each finding code of envelope, receipt, pec and
// pec/mailbox.
func findingTexts() map[string]text {
	return map[string]text{
		// envelope
		envelope.FindingWeakDigest:                {"la firma usa l'algoritmo SHA-1, oggi considerato debole", "the signature uses SHA-1, now considered weak"},
		envelope.FindingLegacyChain:               {"la catena di certificazione usa algoritmi o chiavi di vecchia generazione", "the certification path uses legacy algorithms or keys"},
		envelope.FindingWrapped:                   {"il messaggio firmato è racchiuso in un altro messaggio", "the signed message is wrapped in another message"},
		envelope.FindingTimeSkewDate:              {"l'intestazione Date differisce dall'ora della firma", "the Date header differs from the signing time"},
		envelope.FindingTimeSkewDaticert:          {"l'ora nei dati di certificazione differisce dall'ora della firma", "the certification data time differs from the signing time"},
		envelope.FindingMicalgMismatch:            {"il parametro micalg non corrisponde all'algoritmo della firma", "the micalg parameter does not match the signature algorithm"},
		envelope.FindingPolicyOIDMissing:          {"il certificato non riporta la politica dei gestori PEC", "the certificate lacks the PEC provider policy"},
		envelope.FindingLFLineEndings:             {"il file usa fine riga LF: la firma è stata verificata sulla forma canonica CRLF", "the file has LF line ends: the signature was checked on the canonical CRLF form"},
		envelope.FindingProtocolMissing:           {"manca il parametro protocol della firma", "the protocol parameter of the signature is missing"},
		envelope.FindingProtocolMismatch:          {"il parametro protocol della firma è diverso da quello previsto", "the protocol parameter of the signature is not the expected one"},
		envelope.FindingExtraParts:                {"la struttura firmata contiene parti in più", "the signed structure has extra parts"},
		envelope.FindingUnterminated:              {"la struttura MIME firmata non è chiusa", "the signed MIME structure is not terminated"},
		envelope.FindingAnchorCertOutsideValidity: {"il certificato dell'autorità è fuori dal suo periodo di validità", "the anchor certificate is outside its validity period"},
		envelope.FindingDaticertUnreadable:        {"i dati di certificazione non sono leggibili", "the certification data cannot be read"},
		envelope.FindingBOM:                       {"un indicatore di ordine dei byte (BOM) prima del messaggio è stato ignorato", "a byte order mark before the message was skipped"},
		envelope.FindingUnsignedAttributes:        {"la firma contiene attributi non firmati", "the signature has unsigned attributes"},
		// receipt
		receipt.FindingHeaderDaticertMismatch:   {"le intestazioni non coincidono con i dati di certificazione firmati", "the headers disagree with the signed certification data"},
		receipt.FindingSubjectDaticertMismatch:  {"l'oggetto non coincide con i dati di certificazione firmati", "the subject disagrees with the signed certification data"},
		receipt.FindingSubjectHeaderMismatch:    {"l'oggetto non coincide con le intestazioni", "the subject disagrees with the headers"},
		receipt.FindingVirusFlagMismatch:        {"le indicazioni di virus non coincidono", "the virus indications disagree"},
		receipt.FindingNonstandardSubjectPrefix: {"il prefisso dell'oggetto non è quello previsto dalle regole tecniche", "the subject prefix is not the one of the technical rules"},
		receipt.FindingSubjectPrefixVariant:     {"il prefisso dell'oggetto è una variante in uso presso alcuni gestori", "the subject prefix is a variant used by some providers"},
		receipt.FindingSubjectPrefixMissing:     {"manca il prefisso dell'oggetto", "the subject prefix is missing"},
		receipt.FindingHeaderMissing:            {"manca un'intestazione prevista", "an expected header is missing"},
		receipt.FindingBothTrasportoAndRicevuta: {"il messaggio dichiara sia X-Trasporto sia X-Ricevuta", "the message has both X-Trasporto and X-Ricevuta"},
		receipt.FindingUnknownHeaderValue:       {"un'intestazione PEC ha un valore sconosciuto", "a PEC header has an unknown value"},
		receipt.FindingDuplicateHeader:          {"un'intestazione PEC è ripetuta", "a PEC header is repeated"},
		receipt.FindingUnknownDaticertTipo:      {"il tipo nei dati di certificazione è sconosciuto", "the type in the certification data is unknown"},
		receipt.FindingDaticertMissing:          {"mancano i dati di certificazione (daticert.xml)", "the certification data (daticert.xml) is missing"},
		receipt.FindingAnomalyWithDaticert:      {"una busta di anomalia contiene dati di certificazione", "an anomaly envelope carries certification data"},
		receipt.FindingSubjectOnly:              {"il tipo è dedotto dal solo oggetto, che chiunque può scrivere", "the kind rests on the subject alone, which anyone can write"},
		receipt.FindingOriginalMissing:          {"manca il messaggio originale (postacert.eml)", "the original message (postacert.eml) is missing"},
		receipt.FindingOriginalUnexpected:       {"il messaggio contiene un originale che questo tipo non prevede", "the message carries an original this kind does not have"},
		receipt.FindingFormMismatch:             {"la forma della ricevuta non corrisponde al suo contenuto", "the receipt form does not match its content"},
		receipt.FindingRequestedFormMismatch:    {"la forma della ricevuta è diversa da quella richiesta", "the receipt form differs from the one requested"},
		// pec
		pec.CodeMIMEMalformed:       {"la struttura MIME è malformata; è stato letto quanto possibile", "the MIME structure is malformed; what could be read was read"},
		pec.CodeDecodeError:         {"una parte non è decodificabile ed è stata lasciata com'era", "a part cannot be decoded and was left as it was"},
		pec.CodeLimitReached:        {"un limite di lettura ha interrotto l'analisi di una parte", "a reading limit stopped the analysis of a part"},
		pec.CodeDaticertUnparsable:  {"i dati di certificazione non sono XML valido", "the certification data is not valid XML"},
		pec.CodeDaticertInvalid:     {"i dati di certificazione violano le regole tecniche", "the certification data breaks the technical rules"},
		pec.CodeDaticertUnsigned:    {"i dati di certificazione sono fuori dalla parte firmata: non provano nulla", "the certification data lies outside the signed part: it proves nothing"},
		pec.CodeDaticertMultiple:    {"ci sono più file daticert.xml nella parte firmata: nessuno è stato usato", "there is more than one daticert.xml in the signed part: none was used"},
		pec.CodeDaticertByName:      {"la parte daticert.xml non ha un tipo XML: non è stata usata", "the daticert.xml part does not have an XML media type: it was not used"},
		pec.CodeDaticertAmbiguous:   {"la parte daticert.xml ha più campi Content-Type: non è stata usata", "the daticert.xml part has more than one Content-Type field: it was not used"},
		pec.CodeDaticertUndecodable: {"la codifica di trasferimento di daticert.xml non si decodifica correttamente", "the transfer encoding of daticert.xml does not decode cleanly"},
		pec.CodeDaticertMisplaced:   {"una parte daticert.xml fuori dal suo posto è stata ignorata", "a daticert.xml part outside its place was ignored"},
		pec.CodeDaticertControlChar: {"i dati di certificazione contengono caratteri di controllo, sostituiti dal carattere di sostituzione", "the certification data holds control characters, replaced by the replacement character"},
		pec.CodeEntityAmbiguous:     {"la parte firmata ha più campi Content-Type", "the signed part has more than one Content-Type field"},
		pec.CodeAnomalyShape:        {"X-Trasporto: errore, ma la parte firmata non ha la forma di una busta di anomalia", "X-Trasporto: errore, but the signed part does not have the shape of an anomaly envelope"},
		pec.CodeSignatureNotValid:   {"la firma non è valida", "the signature is not valid"},
		pec.CodeKindNotSigned:       {"il tipo del messaggio non risulta dai dati di certificazione firmati", "the kind of the message does not rest on the signed certification data"},
		pec.CodeAttachedPEC:         {"un messaggio allegato è un messaggio PEC: il suo esito vale solo per l'allegato", "an attached message is a PEC message: its verdict is the attachment's only"},
		pec.CodePostacertByName:     {"il messaggio originale è stato trovato solo per nome", "the original message was found by its name only"},
		pec.CodePostacertMultiple:   {"ci sono più candidati per il messaggio originale; è stato usato il primo", "there is more than one candidate for the original; the first was used"},
		pec.CodePostacertUnreadable: {"il messaggio originale non è leggibile", "the original message cannot be read"},
		pec.CodeNestedPEC:           {"il messaggio originale è a sua volta un messaggio PEC, che non vale per quello esterno", "the original is itself a PEC message, which does not count for the outer one"},
		pec.CodeIDMismatch:          {"il Message-ID della busta differisce dall'identificativo certificato", "the envelope Message-ID differs from the certified identificativo"},
		pec.CodeMsgIDMismatch:       {"X-Riferimento-Message-ID differisce dal msgid certificato", "X-Riferimento-Message-ID differs from the certified msgid"},
		pec.CodeSenderMismatch:      {"il mittente indicato («Per conto di») differisce da quello certificato", "the sender named (\"Per conto di\") differs from the certified one"},
		pec.CodeDateMismatch:        {"l'intestazione Date differisce dall'ora certificata", "the Date header differs from the certified time"},
		pec.CodeSubjectMismatch:     {"l'oggetto, che non è firmato, differisce dall'oggetto certificato", "the subject, which is not signed, differs from the certified subject"},
		pec.CodeFromDisplayAddress:  {"il nome del mittente, che non è firmato, contiene un indirizzo diverso da quello del mittente", "the sender's display name, which is not signed, holds another address than the sender's"},
		pec.CodeKeyOutsideValidity:  {"la data certificata è fuori dal periodo di validità del certificato del gestore", "the certified date is outside the validity of the provider certificate"},
		pec.CodeHeaderAmbiguous:     {"l'intestazione ha più campi From o Content-Type: la lettura è ambigua", "the header has more than one From or Content-Type field: it is ambiguous"},
		pec.CodeFromNotOneMailbox:   {"il campo From non contiene esattamente un indirizzo", "the From field does not hold exactly one mailbox"},
		pec.CodeHeaderDuplicate:     {"un campo Subject, Date, X-Ricevuta o X-Trasporto è ripetuto; è stato usato il primo", "a Subject, Date, X-Ricevuta or X-Trasporto field is repeated; the first was used"},
		// pec/mailbox
		mailbox.CodeMboxAsStored:       {"il messaggio mbox ha righe «>From » ed è stato letto così com'è", "the mbox message has quoted \">From \" lines and was read as stored"},
		mailbox.CodeMboxUnquoted:       {"il messaggio mbox è certificato solo togliendo la quotatura mboxrd delle righe «From »: è stato letto così", "the mbox message is certified only with the mboxrd quoting of \"From \" lines removed: it was read that way"},
		mailbox.CodeMboxUnquotedO:      {"il messaggio mbox è certificato solo togliendo la quotatura mboxo delle righe «From »: è stato letto così", "the mbox message is certified only with the mboxo quoting of \"From \" lines removed: it was read that way"},
		mailbox.CodeMboxHeaderUnquoted: {"righe dell'intestazione quotate dall'mbox («>From ») sono state lette senza la quotatura, come sono state scritte", "header lines quoted by the mbox (\">From \") were read without the quoting, as they were written"},
	}
}
