//go:build !race

package tests

// raceOn: the test binary is built with the race detector.
const raceOn = false
