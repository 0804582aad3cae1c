package main

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The launcher API's HTTP side (LauncherHttp.java): routing, the token check on POSTs, the body limit and every
// refusal text. GETs are open (probes, status, metrics); POSTs need the operator's token.

const (
	contentTypeJSON = "application/json"
	contentTypeText = "text/plain; charset=utf-8"
	// a Secret holds at most 1 MiB; base64 and JSON around it stay under this
	maxBodyBytes = 2 * 1024 * 1024
	tokenSecret  = "vmtemplating-launcher-token"
)

type response struct {
	status      int
	contentType string
	body        string
}

func jsonResponse(status int, body string) response { return response{status, contentTypeJSON, body} }
func textResponse(status int, body string) response { return response{status, contentTypeText, body} }

// encodeJSON is v as one line of JSON; < > & stay as they are, for the people who read the error texts.
func encodeJSON(v any) string {
	var b strings.Builder
	encoder := json.NewEncoder(&b)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(v); err != nil {
		panic(err) // only the keeper's own structs of strings and numbers come here
	}
	return strings.TrimSuffix(b.String(), "\n")
}

type route struct {
	path   string
	method string
	// readsBody: the handler gets the body; the others only have it counted against the limit
	readsBody bool
	handle    func(body []byte) (response, error)
}

type apiServer struct {
	routes []route
	token  launcherToken
	server *http.Server
	addr   net.Addr
}

func (s *apiServer) get(path string, handle func() (response, error)) {
	s.routes = append(s.routes, route{path, http.MethodGet, false, func([]byte) (response, error) { return handle() }})
}

func (s *apiServer) post(path string, handle func() (response, error)) {
	s.routes = append(s.routes, route{path, http.MethodPost, false, func([]byte) (response, error) { return handle() }})
}

func (s *apiServer) postBody(path string, handle func(body []byte) (response, error)) {
	s.routes = append(s.routes, route{path, http.MethodPost, true, handle})
}

// listen binds host:port and serves in the background: net/http gives each connection its own goroutine, so a slow
// /status (smaps of a big guest) never holds up the readiness probe. Go's TCP connections have TCP_NODELAY on.
func (s *apiServer) listen(host string, port int) error {
	listener, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	s.addr = listener.Addr()
	s.server = &http.Server{
		Handler: s,
		// the JDK server's idle interval: an idle kept-alive connection (a goroutine, two buffers) is closed after 30 s
		IdleTimeout:       30 * time.Second,
		ReadHeaderTimeout: 30 * time.Second,
		MaxHeaderBytes:    64 * 1024,
	}
	go s.server.Serve(listener)
	return nil
}

func (s *apiServer) close() {
	if s.server != nil {
		s.server.Close()
	}
}

func (s *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for i := range s.routes {
		if s.routes[i].path == r.URL.Path {
			send(w, s.answer(&s.routes[i], r))
			return
		}
	}
	send(w, textResponse(http.StatusNotFound, "not found\n"))
}

func (s *apiServer) answer(rt *route, r *http.Request) response {
	if r.Method != rt.method {
		return textResponse(http.StatusMethodNotAllowed, rt.method+" only\n")
	}
	if rt.method == http.MethodPost {
		authorization, present := firstHeader(r, "Authorization")
		if !s.token.admits(authorization, present) {
			if s.token == nil {
				return textResponse(http.StatusUnauthorized, "this launcher has no token (Secret "+tokenSecret+
					" not mounted): it takes no commands\n")
			}
			return textResponse(http.StatusUnauthorized, "only the operator may "+rt.path[1:]+
				" this VM: Authorization: Bearer <token> is missing or wrong\n")
		}
	}
	body, over, err := readBody(r.Body, rt.readsBody)
	if err != nil {
		return textResponse(http.StatusInternalServerError, "cannot read the request body: "+err.Error()+"\n")
	}
	if over {
		return textResponse(http.StatusRequestEntityTooLarge, "request body over "+strconv.Itoa(maxBodyBytes)+" bytes\n")
	}
	answer, err := rt.handle(body)
	if err != nil {
		return textResponse(http.StatusInternalServerError, err.Error()+"\n")
	}
	return answer
}

func firstHeader(r *http.Request, name string) (string, bool) {
	values := r.Header.Values(name)
	if len(values) == 0 {
		return "", false
	}
	return values[0], true
}

// readBody reads up to maxBodyBytes (keep) or only counts them (a handler without a body keeps no buffer).
func readBody(body io.Reader, keep bool) ([]byte, bool, error) {
	limited := io.LimitReader(body, maxBodyBytes+1)
	if !keep {
		n, err := io.Copy(io.Discard, limited)
		return nil, n > maxBodyBytes, err
	}
	data, err := io.ReadAll(limited)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, err
	}
	return data, len(data) > maxBodyBytes, nil
}

func send(w http.ResponseWriter, answer response) {
	w.Header().Set("Content-Type", answer.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(answer.body)))
	w.WriteHeader(answer.status)
	io.WriteString(w, answer.body)
}
