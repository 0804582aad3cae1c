package main

import (
	"crypto/subtle"
	"os"
	"strings"
	"unicode/utf8"
)

// launcherToken is LauncherToken: the operator's token for POST requests, read once from the Secret the pod mounts.
// nil (no file, an empty one, or not UTF-8) refuses every POST: fail closed.
type launcherToken []byte

const bearer = "Bearer "

func readToken(file *string) launcherToken {
	if file == nil {
		return nil
	}
	data, err := os.ReadFile(*file)
	if err != nil || !utf8.Valid(data) {
		return nil
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return nil
	}
	return launcherToken(token)
}

// admits says whether an Authorization header carries this token (its bytes, surrounding spaces aside), compared in
// constant time.
func (t launcherToken) admits(authorization string, present bool) bool {
	if t == nil || !present || !strings.HasPrefix(authorization, bearer) {
		return false
	}
	given := []byte(strings.TrimSpace(authorization[len(bearer):]))
	return subtle.ConstantTimeCompare(t, given) == 1
}
