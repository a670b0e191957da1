package receipt

import (
	"fmt"
	"strings"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
)

// bldText returns the title and the Italian text of a receipt or notice.
// The texts are the project's own wording; they carry what the technical
// rules ask each one to state (date, time and zone of the event, subject,
// sender, recipients, outcome and identifier).
func bldText(ev *Event, c *daticert.Cert, form Form, virus bool) (title, text string) {
	day, clock, zone := envelope.FormatEventTime(c.Date)
	var b strings.Builder
	when := fmt.Sprintf("Il giorno %s alle ore %s (%s)", day, clock, zone)
	msg := fmt.Sprintf("il messaggio con oggetto\n\"%s\" inviato da \"%s\"", c.Subject, c.Sender)
	switch ev.Kind {
	case KindAccettazione:
		title = "Ricevuta di accettazione"
		fmt.Fprintf(&b, "%s %s\ne indirizzato a:\n", when, msg)
		bldRecipients(&b, c.Recipients)
		b.WriteString("è stato accettato dal sistema e inoltrato ai destinatari.\n")
	case KindNonAccettazione:
		title = "Avviso di non accettazione"
		fmt.Fprintf(&b, "%s %s\ne indirizzato a:\n", when, msg)
		bldRecipients(&b, c.Recipients)
		if virus {
			title = "Avviso di non accettazione per virus informatico"
			b.WriteString("non è stato accettato perché contiene un virus informatico:\n")
		} else {
			b.WriteString("non è stato accettato per il seguente errore formale:\n")
		}
		b.WriteString(c.ExtendedError + "\n")
		b.WriteString("Il messaggio non è stato inoltrato ai destinatari.\n")
	case KindPresaInCarico:
		title = "Ricevuta di presa in carico"
		fmt.Fprintf(&b, "%s %s\n", when, msg)
		b.WriteString("è stato preso in carico dal gestore " + c.Provider + " per i destinatari:\n")
		for _, r := range c.Receptions {
			b.WriteString(r + "\n")
		}
	case KindAvvenutaConsegna:
		title = "Ricevuta di avvenuta consegna"
		switch form {
		case FormBreve:
			title += " breve"
		case FormSintetica:
			title += " sintetica"
		}
		fmt.Fprintf(&b, "%s %s\ne indirizzato a \"%s\"\n", when, msg, c.Delivery)
		b.WriteString("è stato consegnato nella casella di destinazione.\n")
		switch form {
		case FormCompleta:
			b.WriteString("Il messaggio originale è allegato nel file " + envelope.PostacertName + ".\n")
		case FormBreve:
			b.WriteString("Il messaggio originale è allegato nel file " + envelope.PostacertName + ";\n")
			b.WriteString("ogni suo allegato è sostituito da un file .hash con la sua impronta SHA-1.\n")
		}
	case KindErroreConsegna:
		title = "Avviso di mancata consegna"
		fmt.Fprintf(&b, "%s %s\ne indirizzato a \"%s\"\n", when, msg, c.Delivery)
		if virus {
			title = "Avviso di mancata consegna per virus informatico"
			b.WriteString("non è stato consegnato perché il gestore del destinatario\nvi ha rilevato un virus informatico:\n")
		} else {
			b.WriteString("non è stato consegnato per il seguente errore:\n")
		}
		b.WriteString(c.ExtendedError + "\n")
	case KindPreavvisoErroreConsegna:
		title = "Avviso di mancata consegna per superamento dei tempi massimi"
		fmt.Fprintf(&b, "%s %s\ne indirizzato a \"%s\"\n", when, msg, c.Delivery)
		if ev.Final {
			b.WriteString("non risulta consegnato: entro 24 ore dall'invio non è pervenuta\n")
			b.WriteString("la ricevuta di avvenuta consegna.\n")
			b.WriteString("La trasmissione si considera conclusa con esito negativo.\n")
		} else {
			b.WriteString("non risulta ancora consegnato: entro 12 ore dall'invio non sono pervenute\n")
			b.WriteString("né la ricevuta di presa in carico né quella di avvenuta consegna.\n")
			b.WriteString("La consegna può ancora avvenire; in caso contrario un secondo avviso\n")
			b.WriteString("seguirà entro le 24 ore dall'invio.\n")
		}
		b.WriteString("Dettaglio: " + c.ExtendedError + "\n")
	case KindRilevazioneVirus:
		title = "Avviso di rilevazione virus informatico"
		fmt.Fprintf(&b, "%s %s\ne indirizzato a \"%s\"\n", when, msg, c.Delivery)
		b.WriteString("contiene un virus informatico e non è stato consegnato:\n")
		b.WriteString(c.ExtendedError + "\n")
		b.WriteString("Il messaggio è conservato dal gestore " + c.Provider + ".\n")
	}
	b.WriteString("Identificativo del messaggio: " + c.ID + "\n")
	b.WriteString("I dati di certificazione sono nel file " + envelope.DaticertName + ".")
	return title, b.String()
}

func bldRecipients(b *strings.Builder, rs []daticert.Recipient) {
	for _, r := range rs {
		b.WriteString(r.Address)
		if r.Type == daticert.RecipientEsterno {
			b.WriteString(" (\"posta ordinaria\")\n")
		} else {
			b.WriteString(" (\"posta certificata\")\n")
		}
	}
}
