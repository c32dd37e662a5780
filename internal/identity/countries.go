package identity

import (
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Country is an ISO 3166-1 alpha-2 code with its short name in one language.
type Country struct {
	Code string `json:"code"` // upper case, such as "SE"
	Name string `json:"name"`
}

// Countries returns every ISO 3166-1 country, sorted by name in lang as a
// reader of that language expects: "sv" sorts Swedish, so Å, Ä and Ö come
// after Z; anything else gets English names in English order. The slice is
// new on every call and the caller may change it.
func Countries(lang string) []Country {
	tag := language.English
	if lang == "sv" {
		tag = language.Swedish
	}
	list := make([]Country, len(countryTable))
	for i, c := range countryTable {
		list[i] = Country{Code: c.code, Name: c.name(lang)}
	}
	// A collator is not safe for concurrent use, so each call makes its own.
	col := collate.New(tag)
	slices.SortStableFunc(list, func(a, b Country) int {
		return col.CompareString(a.Name, b.Name)
	})
	return list
}

// IsCountry reports whether code is an ISO 3166-1 alpha-2 country code, in
// upper or lower case.
func IsCountry(code string) bool {
	_, ok := countryIndex[strings.ToUpper(code)]
	return ok
}

// CountryName returns the short name of the country with this ISO 3166-1
// alpha-2 code, in Swedish for lang "sv" and in English otherwise.
func CountryName(code, lang string) (string, bool) {
	i, ok := countryIndex[strings.ToUpper(code)]
	if !ok {
		return "", false
	}
	return countryTable[i].name(lang), true
}

// normCountry returns code upper case with surrounding space removed, and
// whether it is a country code.
func normCountry(code string) (string, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	_, ok := countryIndex[code]
	return code, ok
}

type countryNames struct{ code, sv, en string }

func (c countryNames) name(lang string) string {
	if lang == "sv" {
		return c.sv
	}
	return c.en
}

// countryIndex maps a code to its position in countryTable.
var countryIndex = func() map[string]int {
	m := make(map[string]int, len(countryTable))
	for i, c := range countryTable {
		m[c.code] = i
	}
	return m
}()

// countryTable lists the 249 officially assigned ISO 3166-1 alpha-2 codes with
// common short names in Swedish and English, in code order.
var countryTable = [...]countryNames{
	{"AD", "Andorra", "Andorra"},
	{"AE", "Förenade Arabemiraten", "United Arab Emirates"},
	{"AF", "Afghanistan", "Afghanistan"},
	{"AG", "Antigua och Barbuda", "Antigua and Barbuda"},
	{"AI", "Anguilla", "Anguilla"},
	{"AL", "Albanien", "Albania"},
	{"AM", "Armenien", "Armenia"},
	{"AO", "Angola", "Angola"},
	{"AQ", "Antarktis", "Antarctica"},
	{"AR", "Argentina", "Argentina"},
	{"AS", "Amerikanska Samoa", "American Samoa"},
	{"AT", "Österrike", "Austria"},
	{"AU", "Australien", "Australia"},
	{"AW", "Aruba", "Aruba"},
	{"AX", "Åland", "Åland Islands"},
	{"AZ", "Azerbajdzjan", "Azerbaijan"},
	{"BA", "Bosnien och Hercegovina", "Bosnia and Herzegovina"},
	{"BB", "Barbados", "Barbados"},
	{"BD", "Bangladesh", "Bangladesh"},
	{"BE", "Belgien", "Belgium"},
	{"BF", "Burkina Faso", "Burkina Faso"},
	{"BG", "Bulgarien", "Bulgaria"},
	{"BH", "Bahrain", "Bahrain"},
	{"BI", "Burundi", "Burundi"},
	{"BJ", "Benin", "Benin"},
	{"BL", "Saint-Barthélemy", "Saint Barthélemy"},
	{"BM", "Bermuda", "Bermuda"},
	{"BN", "Brunei", "Brunei"},
	{"BO", "Bolivia", "Bolivia"},
	{"BQ", "Bonaire, Sint Eustatius och Saba", "Bonaire, Sint Eustatius and Saba"},
	{"BR", "Brasilien", "Brazil"},
	{"BS", "Bahamas", "Bahamas"},
	{"BT", "Bhutan", "Bhutan"},
	{"BV", "Bouvetön", "Bouvet Island"},
	{"BW", "Botswana", "Botswana"},
	{"BY", "Belarus", "Belarus"},
	{"BZ", "Belize", "Belize"},
	{"CA", "Kanada", "Canada"},
	{"CC", "Kokosöarna", "Cocos (Keeling) Islands"},
	{"CD", "Kongo-Kinshasa", "Congo (Democratic Republic)"},
	{"CF", "Centralafrikanska republiken", "Central African Republic"},
	{"CG", "Kongo-Brazzaville", "Congo (Republic)"},
	{"CH", "Schweiz", "Switzerland"},
	{"CI", "Elfenbenskusten", "Côte d’Ivoire"},
	{"CK", "Cooköarna", "Cook Islands"},
	{"CL", "Chile", "Chile"},
	{"CM", "Kamerun", "Cameroon"},
	{"CN", "Kina", "China"},
	{"CO", "Colombia", "Colombia"},
	{"CR", "Costa Rica", "Costa Rica"},
	{"CU", "Kuba", "Cuba"},
	{"CV", "Kap Verde", "Cabo Verde"},
	{"CW", "Curaçao", "Curaçao"},
	{"CX", "Julön", "Christmas Island"},
	{"CY", "Cypern", "Cyprus"},
	{"CZ", "Tjeckien", "Czechia"},
	{"DE", "Tyskland", "Germany"},
	{"DJ", "Djibouti", "Djibouti"},
	{"DK", "Danmark", "Denmark"},
	{"DM", "Dominica", "Dominica"},
	{"DO", "Dominikanska republiken", "Dominican Republic"},
	{"DZ", "Algeriet", "Algeria"},
	{"EC", "Ecuador", "Ecuador"},
	{"EE", "Estland", "Estonia"},
	{"EG", "Egypten", "Egypt"},
	{"EH", "Västsahara", "Western Sahara"},
	{"ER", "Eritrea", "Eritrea"},
	{"ES", "Spanien", "Spain"},
	{"ET", "Etiopien", "Ethiopia"},
	{"FI", "Finland", "Finland"},
	{"FJ", "Fiji", "Fiji"},
	{"FK", "Falklandsöarna", "Falkland Islands"},
	{"FM", "Mikronesien", "Micronesia"},
	{"FO", "Färöarna", "Faroe Islands"},
	{"FR", "Frankrike", "France"},
	{"GA", "Gabon", "Gabon"},
	{"GB", "Storbritannien", "United Kingdom"},
	{"GD", "Grenada", "Grenada"},
	{"GE", "Georgien", "Georgia"},
	{"GF", "Franska Guyana", "French Guiana"},
	{"GG", "Guernsey", "Guernsey"},
	{"GH", "Ghana", "Ghana"},
	{"GI", "Gibraltar", "Gibraltar"},
	{"GL", "Grönland", "Greenland"},
	{"GM", "Gambia", "Gambia"},
	{"GN", "Guinea", "Guinea"},
	{"GP", "Guadeloupe", "Guadeloupe"},
	{"GQ", "Ekvatorialguinea", "Equatorial Guinea"},
	{"GR", "Grekland", "Greece"},
	{"GS", "Sydgeorgien och Sydsandwichöarna", "South Georgia and the South Sandwich Islands"},
	{"GT", "Guatemala", "Guatemala"},
	{"GU", "Guam", "Guam"},
	{"GW", "Guinea-Bissau", "Guinea-Bissau"},
	{"GY", "Guyana", "Guyana"},
	{"HK", "Hongkong", "Hong Kong"},
	{"HM", "Heardön och McDonaldöarna", "Heard Island and McDonald Islands"},
	{"HN", "Honduras", "Honduras"},
	{"HR", "Kroatien", "Croatia"},
	{"HT", "Haiti", "Haiti"},
	{"HU", "Ungern", "Hungary"},
	{"ID", "Indonesien", "Indonesia"},
	{"IE", "Irland", "Ireland"},
	{"IL", "Israel", "Israel"},
	{"IM", "Isle of Man", "Isle of Man"},
	{"IN", "Indien", "India"},
	{"IO", "Brittiska territoriet i Indiska oceanen", "British Indian Ocean Territory"},
	{"IQ", "Irak", "Iraq"},
	{"IR", "Iran", "Iran"},
	{"IS", "Island", "Iceland"},
	{"IT", "Italien", "Italy"},
	{"JE", "Jersey", "Jersey"},
	{"JM", "Jamaica", "Jamaica"},
	{"JO", "Jordanien", "Jordan"},
	{"JP", "Japan", "Japan"},
	{"KE", "Kenya", "Kenya"},
	{"KG", "Kirgizistan", "Kyrgyzstan"},
	{"KH", "Kambodja", "Cambodia"},
	{"KI", "Kiribati", "Kiribati"},
	{"KM", "Komorerna", "Comoros"},
	{"KN", "Saint Kitts och Nevis", "Saint Kitts and Nevis"},
	{"KP", "Nordkorea", "North Korea"},
	{"KR", "Sydkorea", "South Korea"},
	{"KW", "Kuwait", "Kuwait"},
	{"KY", "Caymanöarna", "Cayman Islands"},
	{"KZ", "Kazakstan", "Kazakhstan"},
	{"LA", "Laos", "Laos"},
	{"LB", "Libanon", "Lebanon"},
	{"LC", "Saint Lucia", "Saint Lucia"},
	{"LI", "Liechtenstein", "Liechtenstein"},
	{"LK", "Sri Lanka", "Sri Lanka"},
	{"LR", "Liberia", "Liberia"},
	{"LS", "Lesotho", "Lesotho"},
	{"LT", "Litauen", "Lithuania"},
	{"LU", "Luxemburg", "Luxembourg"},
	{"LV", "Lettland", "Latvia"},
	{"LY", "Libyen", "Libya"},
	{"MA", "Marocko", "Morocco"},
	{"MC", "Monaco", "Monaco"},
	{"MD", "Moldavien", "Moldova"},
	{"ME", "Montenegro", "Montenegro"},
	{"MF", "Saint-Martin (franska delen)", "Saint Martin (French part)"},
	{"MG", "Madagaskar", "Madagascar"},
	{"MH", "Marshallöarna", "Marshall Islands"},
	{"MK", "Nordmakedonien", "North Macedonia"},
	{"ML", "Mali", "Mali"},
	{"MM", "Myanmar", "Myanmar"},
	{"MN", "Mongoliet", "Mongolia"},
	{"MO", "Macao", "Macao"},
	{"MP", "Nordmarianerna", "Northern Mariana Islands"},
	{"MQ", "Martinique", "Martinique"},
	{"MR", "Mauretanien", "Mauritania"},
	{"MS", "Montserrat", "Montserrat"},
	{"MT", "Malta", "Malta"},
	{"MU", "Mauritius", "Mauritius"},
	{"MV", "Maldiverna", "Maldives"},
	{"MW", "Malawi", "Malawi"},
	{"MX", "Mexiko", "Mexico"},
	{"MY", "Malaysia", "Malaysia"},
	{"MZ", "Moçambique", "Mozambique"},
	{"NA", "Namibia", "Namibia"},
	{"NC", "Nya Kaledonien", "New Caledonia"},
	{"NE", "Niger", "Niger"},
	{"NF", "Norfolkön", "Norfolk Island"},
	{"NG", "Nigeria", "Nigeria"},
	{"NI", "Nicaragua", "Nicaragua"},
	{"NL", "Nederländerna", "Netherlands"},
	{"NO", "Norge", "Norway"},
	{"NP", "Nepal", "Nepal"},
	{"NR", "Nauru", "Nauru"},
	{"NU", "Niue", "Niue"},
	{"NZ", "Nya Zeeland", "New Zealand"},
	{"OM", "Oman", "Oman"},
	{"PA", "Panama", "Panama"},
	{"PE", "Peru", "Peru"},
	{"PF", "Franska Polynesien", "French Polynesia"},
	{"PG", "Papua Nya Guinea", "Papua New Guinea"},
	{"PH", "Filippinerna", "Philippines"},
	{"PK", "Pakistan", "Pakistan"},
	{"PL", "Polen", "Poland"},
	{"PM", "Saint-Pierre och Miquelon", "Saint Pierre and Miquelon"},
	{"PN", "Pitcairnöarna", "Pitcairn Islands"},
	{"PR", "Puerto Rico", "Puerto Rico"},
	{"PS", "Palestina", "Palestine"},
	{"PT", "Portugal", "Portugal"},
	{"PW", "Palau", "Palau"},
	{"PY", "Paraguay", "Paraguay"},
	{"QA", "Qatar", "Qatar"},
	{"RE", "Réunion", "Réunion"},
	{"RO", "Rumänien", "Romania"},
	{"RS", "Serbien", "Serbia"},
	{"RU", "Ryssland", "Russia"},
	{"RW", "Rwanda", "Rwanda"},
	{"SA", "Saudiarabien", "Saudi Arabia"},
	{"SB", "Salomonöarna", "Solomon Islands"},
	{"SC", "Seychellerna", "Seychelles"},
	{"SD", "Sudan", "Sudan"},
	{"SE", "Sverige", "Sweden"},
	{"SG", "Singapore", "Singapore"},
	{"SH", "Sankta Helena, Ascension och Tristan da Cunha", "Saint Helena, Ascension and Tristan da Cunha"},
	{"SI", "Slovenien", "Slovenia"},
	{"SJ", "Svalbard och Jan Mayen", "Svalbard and Jan Mayen"},
	{"SK", "Slovakien", "Slovakia"},
	{"SL", "Sierra Leone", "Sierra Leone"},
	{"SM", "San Marino", "San Marino"},
	{"SN", "Senegal", "Senegal"},
	{"SO", "Somalia", "Somalia"},
	{"SR", "Surinam", "Suriname"},
	{"SS", "Sydsudan", "South Sudan"},
	{"ST", "São Tomé och Príncipe", "São Tomé and Príncipe"},
	{"SV", "El Salvador", "El Salvador"},
	{"SX", "Sint Maarten (nederländska delen)", "Sint Maarten (Dutch part)"},
	{"SY", "Syrien", "Syria"},
	{"SZ", "Eswatini", "Eswatini"},
	{"TC", "Turks- och Caicosöarna", "Turks and Caicos Islands"},
	{"TD", "Tchad", "Chad"},
	{"TF", "Franska sydterritorierna", "French Southern Territories"},
	{"TG", "Togo", "Togo"},
	{"TH", "Thailand", "Thailand"},
	{"TJ", "Tadzjikistan", "Tajikistan"},
	{"TK", "Tokelau", "Tokelau"},
	{"TL", "Östtimor", "Timor-Leste"},
	{"TM", "Turkmenistan", "Turkmenistan"},
	{"TN", "Tunisien", "Tunisia"},
	{"TO", "Tonga", "Tonga"},
	{"TR", "Turkiet", "Türkiye"},
	{"TT", "Trinidad och Tobago", "Trinidad and Tobago"},
	{"TV", "Tuvalu", "Tuvalu"},
	{"TW", "Taiwan", "Taiwan"},
	{"TZ", "Tanzania", "Tanzania"},
	{"UA", "Ukraina", "Ukraine"},
	{"UG", "Uganda", "Uganda"},
	{"UM", "USA:s yttre öar", "United States Minor Outlying Islands"},
	{"US", "USA", "United States"},
	{"UY", "Uruguay", "Uruguay"},
	{"UZ", "Uzbekistan", "Uzbekistan"},
	{"VA", "Vatikanstaten", "Vatican City"},
	{"VC", "Saint Vincent och Grenadinerna", "Saint Vincent and the Grenadines"},
	{"VE", "Venezuela", "Venezuela"},
	{"VG", "Brittiska Jungfruöarna", "British Virgin Islands"},
	{"VI", "Amerikanska Jungfruöarna", "U.S. Virgin Islands"},
	{"VN", "Vietnam", "Vietnam"},
	{"VU", "Vanuatu", "Vanuatu"},
	{"WF", "Wallis- och Futunaöarna", "Wallis and Futuna"},
	{"WS", "Samoa", "Samoa"},
	{"YE", "Jemen", "Yemen"},
	{"YT", "Mayotte", "Mayotte"},
	{"ZA", "Sydafrika", "South Africa"},
	{"ZM", "Zambia", "Zambia"},
	{"ZW", "Zimbabwe", "Zimbabwe"},
}
