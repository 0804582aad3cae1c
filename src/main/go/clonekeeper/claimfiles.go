package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
)

// claimFiles is ClaimFiles.java, pure: the operator's POST /claim-data body → the files a guest receives, in the
// order they are written. "ready" comes last, so a guest that waits for it finds every other file complete. The body
// is checked again here: keys become guest paths.
//
//	{"uid": "…", "name": "…", "namespace": "…", "secretResourceVersion": "…", "data": {"key": "base64", …}}
type claimFiles struct {
	uid                   string
	secretResourceVersion *string
	dataDirectory         string
	files                 []guestFile
}

type guestFile struct {
	path    string
	content []byte
}

var (
	// a Secret key as the API server allows it (and never "." or "..")
	claimKeyPattern       = regexp.MustCompile(`^[-._a-zA-Z0-9]{1,253}$`)
	claimDirectoryPattern = regexp.MustCompile(`^(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$`)
)

// parseClaimFiles checks in the Java order: the JSON, the directory, uid, data keys (document order), their
// base64 (key order), name, namespace. directory nil is a template whose spec.claimData names none.
func parseClaimFiles(body []byte, directory *string) (claimFiles, error) {
	fields, err := jsonObjectFields(body)
	if err != nil {
		return claimFiles{}, err
	}
	if directory == nil || !claimDirectoryPattern.MatchString(*directory) {
		shown := "null"
		if directory != nil {
			shown = *directory
		}
		return claimFiles{}, errors.New("spec.claimData.directory: '" + shown + "' is not an absolute guest directory")
	}
	uid, err := requiredText(fields, "uid")
	if err != nil {
		return claimFiles{}, err
	}
	data, err := dataEntries(fields["data"])
	if err != nil {
		return claimFiles{}, err
	}
	dataDirectory := *directory + "/data"
	var files []guestFile
	for _, entry := range data {
		encoding := base64.StdEncoding
		if len(entry.value)%4 != 0 {
			encoding = base64.RawStdEncoding // padding left out
		}
		content, err := encoding.DecodeString(entry.value)
		if err != nil {
			return claimFiles{}, fmt.Errorf("data key '%s' is not base64 (%v): send the Secret's data values as Kubernetes"+
				" stores them", entry.key, err)
		}
		files = append(files, guestFile{dataDirectory + "/" + entry.key, content})
	}
	name, err := requiredText(fields, "name")
	if err != nil {
		return claimFiles{}, err
	}
	namespace, err := requiredText(fields, "namespace")
	if err != nil {
		return claimFiles{}, err
	}
	files = append(files, utf8File(*directory+"/name", name), utf8File(*directory+"/namespace", namespace),
		utf8File(*directory+"/uid", uid), utf8File(*directory+"/ready", uid))
	var version *string
	if text, ok := jsonText(fields["secretResourceVersion"]); ok {
		version = &text
	}
	return claimFiles{uid: uid, secretResourceVersion: version, dataDirectory: dataDirectory, files: files}, nil
}

func utf8File(path, text string) guestFile {
	return guestFile{path, []byte(text + "\n")}
}

// jsonObjectFields reads the body's first JSON value as Jackson's readTree does (trailing text ignored); a body
// that is empty or not an object has no fields.
func jsonObjectFields(body []byte) (map[string]json.RawMessage, error) {
	var value json.RawMessage
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber()
	if err := decoder.Decode(&value); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, errors.New("claim data body is not JSON: " + err.Error())
	}
	if value[0] != '{' {
		return nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(value, &fields); err != nil {
		return nil, errors.New("claim data body is not JSON: " + err.Error())
	}
	return fields, nil
}

func requiredText(fields map[string]json.RawMessage, field string) (string, error) {
	text, ok := jsonText(fields[field])
	if !ok || text == "" {
		return "", errors.New("claim data body: " + field + " is required")
	}
	return text, nil
}

// jsonText is a JSON string's text; ok false for anything else (Jackson's isTextual).
func jsonText(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var text string
	if json.Unmarshal(raw, &text) != nil {
		return "", false
	}
	return text, true
}

type dataEntry struct {
	key   string
	value string
}

// dataEntries are the "data" object's members, string values: keys checked in document order, returned in key order
// (Java's TreeMap); a repeated key keeps its last value. Anything but an object holds no entries.
func dataEntries(raw json.RawMessage) ([]dataEntry, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, nil
	}
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	if _, err := decoder.Token(); err != nil {
		return nil, errors.New("claim data body is not JSON: " + err.Error())
	}
	values := map[string]string{}
	for decoder.More() {
		token, err := decoder.Token()
		if err != nil {
			return nil, errors.New("claim data body is not JSON: " + err.Error())
		}
		key := token.(string)
		var value json.RawMessage
		if err := decoder.Decode(&value); err != nil {
			return nil, errors.New("claim data body is not JSON: " + err.Error())
		}
		if !claimKeyPattern.MatchString(key) || key == "." || key == ".." {
			return nil, errors.New("data key '" + key + "' is not a Secret key")
		}
		text, ok := jsonText(value)
		if !ok {
			return nil, errors.New("data key '" + key + "' is not a string: send the Secret's data values, base64 strings")
		}
		values[key] = text
	}
	entries := make([]dataEntry, 0, len(values))
	for key, value := range values {
		entries = append(entries, dataEntry{key, value})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	return entries, nil
}
