package main

import (
	"strings"
	"testing"
)

// ClaimFilesTest, ported, and the base64 the keeper takes (padding optional).

func claimFilesOf(t *testing.T, data, directory string) (claimFiles, error) {
	t.Helper()
	return parseClaimFiles([]byte(`{"uid":"u","name":"n","namespace":"ns","secretResourceVersion":"7","data":{`+data+`}}`), &directory)
}

func TestDataFirstInKeyOrderThenIdentityAndReadyLast(t *testing.T) {
	files, err := claimFilesOf(t, `"b":"Yg==","a.txt":"YQ=="`, "/run/vmt")
	if err != nil {
		t.Fatal(err)
	}
	var paths, contents []string
	for _, file := range files.files {
		paths = append(paths, file.path)
		contents = append(contents, string(file.content))
	}
	assertEqual(t, "/run/vmt/data/a.txt /run/vmt/data/b /run/vmt/name /run/vmt/namespace /run/vmt/uid /run/vmt/ready", strings.Join(paths, " "))
	assertEqual(t, "a|b|n\n|ns\n|u\n|u\n", strings.Join(contents, "|"))
	assertEqual(t, "/run/vmt/data", files.dataDirectory)
	assertEqual(t, "7", *files.secretResourceVersion)
}

func TestNoSecretStillDeliversTheIdentity(t *testing.T) {
	files, err := claimFilesOf(t, "", "/run/vmt")
	if err != nil || len(files.files) != 4 {
		t.Fatalf("%v %v", files, err)
	}
	files, _ = parseClaimFiles([]byte(`{"uid":"u","name":"n","namespace":"ns"}`), &[]string{"/d"}[0])
	if files.secretResourceVersion != nil {
		t.Fatal("no version given: null")
	}
}

func TestKeysAndDirectoriesThatCouldLeaveTheDirectoryAreRefused(t *testing.T) {
	refused := func(data, directory, want string) {
		t.Helper()
		_, err := claimFilesOf(t, data, directory)
		if err == nil || (want != "" && err.Error() != want) {
			t.Fatalf("%s in %s: %v", data, directory, err)
		}
	}
	refused(`"..":""`, "/d", "data key '..' is not a Secret key")
	refused(`".":""`, "/d", "data key '.' is not a Secret key")
	refused(`"a/b":""`, "/d", "data key 'a/b' is not a Secret key")
	refused(``, "/run/../etc", "spec.claimData.directory: '/run/../etc' is not an absolute guest directory")
	refused(``, "relative", "spec.claimData.directory: 'relative' is not an absolute guest directory")
	if _, err := parseClaimFiles([]byte(`{"uid":"u"}`), &[]string{"/d"}[0]); err == nil || err.Error() != "claim data body: name is required" {
		t.Fatal(err)
	}
	if _, err := parseClaimFiles([]byte(`{"uid":"u"}`), nil); err == nil || err.Error() != "spec.claimData.directory: 'null' is not an absolute guest directory" {
		t.Fatal(err)
	}
	for _, body := range []string{``, `[]`, `"x"`, `{"uid":""}`, `{"uid":5}`} {
		if _, err := parseClaimFiles([]byte(body), &[]string{"/d"}[0]); err == nil || err.Error() != "claim data body: uid is required" {
			t.Fatalf("%s: %v", body, err)
		}
	}
	if _, err := parseClaimFiles([]byte(`{"uid":`), &[]string{"/d"}[0]); err == nil || !strings.HasPrefix(err.Error(), "claim data body is not JSON: ") {
		t.Fatal(err)
	}
}

func TestBase64WithOrWithoutPadding(t *testing.T) {
	files, err := claimFilesOf(t, `"empty":"","a":"YQ==","a2":"YQ","ab":"YWI=","ab2":"YWI","abc":"YWJj"`, "/d")
	if err != nil {
		t.Fatal(err)
	}
	var contents []string
	for _, file := range files.files[:6] {
		contents = append(contents, string(file.content))
	}
	assertEqual(t, "a|a|ab|ab|abc|", strings.Join(contents, "|")) // in key order: a a2 ab ab2 abc empty
}

func TestAValueThatIsNotBase64IsRefusedNamingItsKey(t *testing.T) {
	for _, value := range []string{`"YQ.="`, `"YQ="`, `"Y"`, `"YWJjZ"`, `"YQ==YQ=="`, `"ÿÿÿÿ"`} {
		_, err := claimFilesOf(t, `"ok":"YQ==","token":`+value, "/d")
		if err == nil || !strings.HasPrefix(err.Error(), "data key 'token' is not base64 (") {
			t.Fatalf("%s: %v", value, err)
		}
	}
	for _, value := range []string{`1234`, `true`, `null`, `{}`} {
		_, err := claimFilesOf(t, `"token":`+value, "/d")
		if err == nil || !strings.HasPrefix(err.Error(), "data key 'token' is not a string") {
			t.Fatalf("%s: %v", value, err)
		}
	}
}
