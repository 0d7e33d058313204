package rma

import "slices"

// ListOrder is the order of a list of RMAs, kept by the store across every
// page (a keyset on an index), never by sorting one page.
type ListOrder string

const (
	OrderNewest  ListOrder = ""        // the newest filed first: a requester's list, and the default
	OrderOldest  ListOrder = "oldest"  // the longest waiting first
	OrderUrgency ListOrder = "urgency" // the next open deadline first, those without one last; the desk's queue
)

// ListOrders are the orders a list may ask for.
var ListOrders = []ListOrder{OrderNewest, OrderOldest, OrderUrgency}

// ParseListOrder checks an order's name; "newest" names the default.
func ParseListOrder(s string) (ListOrder, error) {
	if s == "newest" {
		return OrderNewest, nil
	}
	o := ListOrder(s)
	if !slices.Contains(ListOrders, o) {
		return "", Invalid("order", "unknown order %q (one of newest, oldest, urgency)", s)
	}
	return o, nil
}
