package audit

// Actions on policy packs (issue 15: policies managed in the desk).
const (
	PolicyDraft     = "policy.draft"      // a draft uploaded
	PolicyDraftEdit = "policy.draft_edit" // a draft's text replaced
	PolicyPublish   = "policy.publish"    // a draft published for a date
	PolicyDiscard   = "policy.discard"    // a draft discarded
	PolicyRetire    = "policy.retire"     // a published version withdrawn before it took effect

	PolicyShadowStart = "policy.shadow_start" // a draft put in shadow (another may be replaced)
	PolicyShadowStop  = "policy.shadow_stop"  // a draft taken out of shadow
)
