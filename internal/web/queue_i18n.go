package web

// The queue's texts (queue.go), in every language of the catalogue;
// TestCatalogueComplete checks them with the rest.
var queueTexts = map[string]map[string]string{
	"en": {
		"list.sort":                 "Order",
		"list.sort.urgency":         "Most urgent first",
		"list.sort.newest":          "Newest first",
		"list.sort.oldest":          "Oldest first",
		"list.sorted_by":            "sorted by this column",
		"list.totals":               "RMAs by state",
		"list.all_states":           "All states",
		"list.filed":                "Filed",
		"list.bulk_reason_required": "a reason is required to reject",
		"list.bulk_failed_one":      "%s: %s.",
		"list.bulk_more":            "And %d more.",
	},
	"nl": {
		"list.sort":                 "Volgorde",
		"list.sort.urgency":         "Meest dringend eerst",
		"list.sort.newest":          "Nieuwste eerst",
		"list.sort.oldest":          "Oudste eerst",
		"list.sorted_by":            "gesorteerd op deze kolom",
		"list.totals":               "RMA's per status",
		"list.all_states":           "Alle statussen",
		"list.filed":                "Ingediend",
		"list.bulk_reason_required": "een reden is nodig om af te wijzen",
		"list.bulk_failed_one":      "%s: %s.",
		"list.bulk_more":            "En nog %d.",
	},
}

func init() {
	for lang, texts := range queueTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
}
