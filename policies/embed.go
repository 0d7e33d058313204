// Package policies holds the seed policy packs, embedded in the binary so
// that rmadesk runs them with no files beside it.
package policies

import "embed"

// FS holds one YAML file per policy pack.
//
//go:embed *.yaml
var FS embed.FS
