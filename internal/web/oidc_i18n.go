package web

// Sign-in through the identity provider (oidc.go) and its settings page
// (oidc_admin.go), in every language of the catalogue;
// TestCatalogueComplete checks them with the rest.
var oidcTexts = map[string]map[string]string{
	"en": {
		"oidc.button":             "Sign in with %s",
		"oidc.or":                 "Or sign in with your email and password:",
		"oidc.use_provider":       "Desk staff sign in with %s.",
		"oidc.stale":              "This sign-in has expired or was already used. Start again.",
		"oidc.unreachable":        "The desk cannot reach %s right now. Try again in a few minutes, or ask the desk's administrator.",
		"oidc.failed":             "%s did not sign you in. Start again; if it happens again, ask the desk's administrator.",
		"oidc.provider_refused":   "%s did not sign you in.",
		"oidc.refused.no_role":    "You are signed in at %s, but none of your groups gives you a role at the desk. Ask the desk's administrator for access.",
		"oidc.refused.unverified": "%s did not confirm your email address, so the desk cannot tell who you are. Ask the desk's administrator.",
		"oidc.refused.unknown":    "You have no account at the desk yet. Ask the desk's administrator to add you.",
		"oidc.refused.not_staff":  "Your email belongs to a customer's account. Sign in with your email and password.",
		"oidc.refused.disabled":   "This account is disabled. Ask the desk's administrator to enable it again.",
		"sso.title":               "Sign-in for desk staff",
		"sso.intro":               "Desk staff can sign in with the company's identity provider (OpenID Connect). Customers keep signing in with their email and password.",
		"sso.callback":            "Register this redirect URL at the provider:",
		"sso.deployment":          "These settings are given by the deployment (command-line flags or environment) and cannot be changed here.",
		"sso.updated":             "Last changed %s by %s.",
		"sso.provider":            "Provider",
		"sso.name":                "Name on the sign-in button",
		"sso.name_hint":           "For example your company's name: the button reads “Sign in with …”.",
		"sso.issuer":              "Issuer URL",
		"sso.issuer_hint":         "Leave it empty to turn sign-in through a provider off. It must start with https://.",
		"sso.client_id":           "Client ID",
		"sso.client_secret":       "Client secret",
		"sso.secret_set":          "A client secret is set. Leave the field empty to keep it.",
		"sso.secret_none":         "No client secret is set.",
		"sso.clear_secret":        "Remove the client secret",
		"sso.scopes":              "Scopes",
		"sso.scopes_hint":         "Separated by spaces; openid is always asked for. Empty: email profile.",
		"sso.who":                 "Who gets in",
		"sso.groups_claim":        "Claim with the groups",
		"sso.roles":               "Groups and their desk roles",
		"sso.roles_hint":          "One line each: group = role, the role admin, agent or technician. The first line whose group a person has decides their role, at every sign-in. Someone in none of these groups is refused.",
		"sso.create_users":        "Create an account at first sign-in (in the desk's organisation)",
		"sso.staff_passwords":     "Agents and technicians may still sign in with a password (admins always may)",
		"sso.save":                "Save",
		"sso.saved":               "Saved.",
		"sso.saved_unreachable":   "Saved, but the desk cannot reach the provider yet: %s",
	},
	"nl": {
		"oidc.button":             "Aanmelden met %s",
		"oidc.or":                 "Of meld u aan met uw e-mailadres en wachtwoord:",
		"oidc.use_provider":       "Medewerkers van de desk melden zich aan met %s.",
		"oidc.stale":              "Deze aanmelding is verlopen of al gebruikt. Begin opnieuw.",
		"oidc.unreachable":        "De desk kan %s nu niet bereiken. Probeer het over een paar minuten opnieuw, of vraag de beheerder van de desk.",
		"oidc.failed":             "%s heeft u niet aangemeld. Begin opnieuw; gebeurt het weer, vraag dan de beheerder van de desk.",
		"oidc.provider_refused":   "%s heeft u niet aangemeld.",
		"oidc.refused.no_role":    "U bent aangemeld bij %s, maar geen van uw groepen geeft u een rol bij de desk. Vraag de beheerder van de desk om toegang.",
		"oidc.refused.unverified": "%s heeft uw e-mailadres niet bevestigd, dus de desk weet niet wie u bent. Vraag de beheerder van de desk.",
		"oidc.refused.unknown":    "U hebt nog geen account bij de desk. Vraag de beheerder van de desk om u toe te voegen.",
		"oidc.refused.not_staff":  "Uw e-mailadres hoort bij het account van een klant. Meld u aan met uw e-mailadres en wachtwoord.",
		"oidc.refused.disabled":   "Dit account is uitgeschakeld. Vraag de beheerder van de desk om het weer in te schakelen.",
		"sso.title":               "Aanmelden voor medewerkers",
		"sso.intro":               "Medewerkers van de desk kunnen zich aanmelden bij de identiteitsprovider van het bedrijf (OpenID Connect). Klanten melden zich aan met hun e-mailadres en wachtwoord.",
		"sso.callback":            "Registreer deze redirect-URL bij de provider:",
		"sso.deployment":          "Deze instellingen komen uit de installatie (opties of omgevingsvariabelen) en zijn hier niet te wijzigen.",
		"sso.updated":             "Laatst gewijzigd op %s door %s.",
		"sso.provider":            "Provider",
		"sso.name":                "Naam op de aanmeldknop",
		"sso.name_hint":           "Bijvoorbeeld de naam van uw bedrijf: op de knop staat „Aanmelden met …”.",
		"sso.issuer":              "Issuer-URL",
		"sso.issuer_hint":         "Laat leeg om aanmelden via een provider uit te zetten. De URL begint met https://.",
		"sso.client_id":           "Client-ID",
		"sso.client_secret":       "Clientgeheim",
		"sso.secret_set":          "Er is een clientgeheim ingesteld. Laat het veld leeg om het te houden.",
		"sso.secret_none":         "Er is geen clientgeheim ingesteld.",
		"sso.clear_secret":        "Het clientgeheim verwijderen",
		"sso.scopes":              "Scopes",
		"sso.scopes_hint":         "Gescheiden door spaties; openid wordt altijd gevraagd. Leeg: email profile.",
		"sso.who":                 "Wie er binnenkomt",
		"sso.groups_claim":        "Claim met de groepen",
		"sso.roles":               "Groepen en hun rol bij de desk",
		"sso.roles_hint":          "Eén regel per groep: groep = rol, de rol admin, agent of technician. De eerste regel met een groep van de persoon bepaalt de rol, bij elke aanmelding. Wie in geen van deze groepen zit, komt niet binnen.",
		"sso.create_users":        "Bij de eerste aanmelding een account aanmaken (in de organisatie van de desk)",
		"sso.staff_passwords":     "Agents en technici mogen zich ook met een wachtwoord aanmelden (beheerders altijd)",
		"sso.save":                "Opslaan",
		"sso.saved":               "Opgeslagen.",
		"sso.saved_unreachable":   "Opgeslagen, maar de desk kan de provider nog niet bereiken: %s",
	},
}

func init() {
	for lang, texts := range oidcTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
}
