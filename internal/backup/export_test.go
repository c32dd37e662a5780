package backup

// SetScryptWorkFactor lowers the passphrase work factor for fast tests.
func SetScryptWorkFactor(n int) { scryptWorkFactor = n }
