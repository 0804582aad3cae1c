package main

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// LauncherHttpTest, ported, and every refusal text: GETs open, POSTs only with the operator's token.

func serveTestAPI(t *testing.T, token launcherToken, pauses *atomic.Int32) string {
	t.Helper()
	server := &apiServer{token: token}
	server.get("/healthz", func() (response, error) { return textResponse(200, "ok\n"), nil })
	server.get("/broken", func() (response, error) { return response{}, errors.New("QMP query-status failed: GenericError: boom") })
	server.post("/pause", func() (response, error) {
		pauses.Add(1)
		return jsonResponse(200, "{}"), nil
	})
	server.postBody("/claim-data", func(body []byte) (response, error) {
		return textResponse(200, strconv.Itoa(len(body))+"\n"), nil
	})
	if err := server.listen("127.0.0.1", 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.close)
	return "http://" + server.addr.String()
}

type answer struct {
	status      int
	contentType string
	body        string
}

func call(t *testing.T, method, url, authorization string, body io.Reader) answer {
	t.Helper()
	request, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		request.Header.Set("Authorization", authorization)
	}
	got, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Body.Close()
	text, _ := io.ReadAll(got.Body)
	return answer{got.StatusCode, got.Header.Get("Content-Type"), string(text)}
}

func TestCommandsNeedTheTokenProbesDoNot(t *testing.T) {
	var pauses atomic.Int32
	base := serveTestAPI(t, launcherToken("s3cret"), &pauses)
	assertEqual(t, answer{200, "text/plain; charset=utf-8", "ok\n"}, call(t, "GET", base+"/healthz", "", nil))
	refused := answer{401, "text/plain; charset=utf-8", "only the operator may pause this VM: Authorization: Bearer <token> is missing or wrong\n"}
	assertEqual(t, refused, call(t, "POST", base+"/pause", "", nil))
	assertEqual(t, refused, call(t, "POST", base+"/pause", "Bearer s3cre", nil))
	assertEqual(t, refused, call(t, "POST", base+"/pause", "Basic s3cret", nil))
	assertEqual(t, refused, call(t, "POST", base+"/pause", "bearer s3cret", nil))
	assertEqual(t, int32(0), pauses.Load()) // no refused command reached the VM
	assertEqual(t, answer{200, "application/json", "{}"}, call(t, "POST", base+"/pause", "Bearer s3cret", nil))
	assertEqual(t, answer{200, "application/json", "{}"}, call(t, "POST", base+"/pause", "Bearer  s3cret \t", nil))
	assertEqual(t, int32(2), pauses.Load())
	assertEqual(t, "only the operator may claim-data this VM: Authorization: Bearer <token> is missing or wrong\n",
		call(t, "POST", base+"/claim-data", "", nil).body)
}

func TestALauncherWithoutATokenTakesNoCommands(t *testing.T) {
	var pauses atomic.Int32
	base := serveTestAPI(t, nil, &pauses)
	assertEqual(t, answer{401, "text/plain; charset=utf-8",
		"this launcher has no token (Secret vmtemplating-launcher-token not mounted): it takes no commands\n"},
		call(t, "POST", base+"/pause", "Bearer anything", nil))
	assertEqual(t, int32(0), pauses.Load())
	assertEqual(t, 200, call(t, "GET", base+"/healthz", "", nil).status)
}

func TestEveryRefusalText(t *testing.T) {
	var pauses atomic.Int32
	base := serveTestAPI(t, launcherToken("t"), &pauses)
	assertEqual(t, answer{404, "text/plain; charset=utf-8", "not found\n"}, call(t, "GET", base+"/healthz/more", "", nil))
	assertEqual(t, answer{404, "text/plain; charset=utf-8", "not found\n"}, call(t, "GET", base+"/healthzz", "", nil))
	assertEqual(t, answer{404, "text/plain; charset=utf-8", "not found\n"}, call(t, "GET", base+"/other", "", nil))
	assertEqual(t, answer{405, "text/plain; charset=utf-8", "POST only\n"}, call(t, "GET", base+"/pause", "", nil))
	assertEqual(t, answer{405, "text/plain; charset=utf-8", "GET only\n"}, call(t, "POST", base+"/healthz", "Bearer t", nil))
	assertEqual(t, answer{500, "text/plain; charset=utf-8", "QMP query-status failed: GenericError: boom\n"},
		call(t, "GET", base+"/broken", "", nil))
	assertEqual(t, answer{200, "text/plain; charset=utf-8", "2097152\n"},
		call(t, "POST", base+"/claim-data", "Bearer t", strings.NewReader(strings.Repeat("x", maxBodyBytes))))
	assertEqual(t, answer{413, "text/plain; charset=utf-8", "request body over 2097152 bytes\n"},
		call(t, "POST", base+"/claim-data", "Bearer t", strings.NewReader(strings.Repeat("x", maxBodyBytes+1))))
	assertEqual(t, 413, call(t, "POST", base+"/pause", "Bearer t", strings.NewReader(strings.Repeat("x", maxBodyBytes+1))).status)
	assertEqual(t, int32(0), pauses.Load())
}

func TestKeptAliveConnectionsServeRequestAfterRequest(t *testing.T) {
	var pauses atomic.Int32
	base := serveTestAPI(t, nil, &pauses)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	for i := 0; i < 3; i++ {
		got, err := client.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(got.Body)
		got.Body.Close()
		assertEqual(t, 200, got.StatusCode)
	}
}

func TestTheTokenIsReadFromTheSecretVolume(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	os.WriteFile(file, []byte("from-secret\n"), 0o600)
	if !readToken(&file).admits("Bearer from-secret", true) {
		t.Fatal("the stripped file content is the token")
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte(" \n"), 0o600)
	missing := filepath.Join(dir, "missing")
	for _, none := range []*string{&missing, &empty, nil} {
		if readToken(none) != nil {
			t.Fatalf("%v: no token", none)
		}
	}
}
