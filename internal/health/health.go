// Package health holds what /api/health reports about the parts of the
// program, as domain types that storage fills in and the API shows.
package health

// Database is the database's state.
type Database struct {
	OK            bool   `json:"ok"`
	Path          string `json:"path"`
	SchemaVersion int    `json:"schemaVersion"`
	Error         string `json:"error,omitempty"`
}
