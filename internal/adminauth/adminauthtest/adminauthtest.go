// Package adminauthtest gives tests that need a password or PIN set, but
// do not test the hash itself, an argon2id Hasher that costs next to
// nothing. A production hash (64 MiB, 3 passes) takes about 3 s under the
// race detector on a shared 2-core machine; a test that sets a password
// and tries it a few times spent most of its time there.
//
// The production parameters stay covered: adminauth and kiosk each have a
// test that uses them and checks that they are what gets stored.
package adminauthtest

import "id06desk/internal/adminauth"

// Params are the cheap parameters: 64 KiB, 1 pass, 1 lane.
func Params() adminauth.Params {
	return adminauth.Params{Time: 1, Memory: 64, Threads: 1, KeyLen: 32}
}

// Hasher returns a Hasher with the production cap on hashes at once
// (adminauth.DefaultConcurrentHashes) and the cheap Params.
func Hasher() *adminauth.Hasher {
	return adminauth.NewHasher(adminauth.DefaultConcurrentHashes, adminauth.HashParams(Params()))
}

// SlowParams are small (2 MiB) but take 8 passes: a hash still takes a
// noticeable time (about a twelfth of a production hash) and parallel
// requests overlap inside it as they do in production. For tests of the
// limits around the hash: a limiter that checks first and counts after
// the hash was caught in only 4 of 10 runs without -race with Params, in
// 10 of 10 with SlowParams, as with production.
func SlowParams() adminauth.Params {
	return adminauth.Params{Time: 8, Memory: 2 * 1024, Threads: 1, KeyLen: 32}
}

// SlowHasher returns a Hasher with the production cap on hashes at once
// and SlowParams.
func SlowHasher() *adminauth.Hasher {
	return adminauth.NewHasher(adminauth.DefaultConcurrentHashes, adminauth.HashParams(SlowParams()))
}
