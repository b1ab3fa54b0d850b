package ipfmt

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

var jsonSeeds = []string{
	`{"cniVersion":"1.1.0","name":"net","plugins":[{"type":"nsnet","mtu":1400,"isGateway":true,"ipam":{"ranges":[[{"subnet":"10.22.0.0/16"}]]}}]}`,
	`[1,-0.5,2e10,1E+2,0,"a\"b\\c\/d\u00e9\ud83d\ude00\n",true,false,null,{},[]]`,
	` { "a" : [ ] , "b" : { } } `, `"\ud800"`, `"\ud800\u0041"`,
	`{"a":1,}`, `[1,]`, `01`, `-`, `1.`, `1e`, `"a`, `"\x"`, `{"a" 1}`, `[1 2]`, `tru`, `{"a":1}x`, "\"\x01\"", ``,
}

// encoding/json is the oracle: what it accepts, ParseJSON accepts, to the
// same value; and written back, the value reads the same again.
func TestParseJSON(t *testing.T) {
	for _, s := range jsonSeeds {
		checkJSON(t, []byte(s))
	}
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkJSON)
}

func checkJSON(t *testing.T, b []byte) {
	v, err := ParseJSON(b)
	want, werr := oracle(b)
	if (err == nil) != (werr == nil) {
		if werr == nil && bytes.Count(b, []byte("["))+bytes.Count(b, []byte("{")) > 60 {
			return // deeper than ParseJSON takes
		}
		t.Fatalf("%q: ParseJSON error %v, encoding/json's %v", b, err, werr)
	}
	if err != nil {
		return
	}
	var out bytes.Buffer
	if err := WriteJSON(&out, v); err != nil {
		t.Fatal(err)
	}
	back, err := oracle(out.Bytes())
	if err != nil {
		t.Fatalf("%q written back as %q: %v", b, out.Bytes(), err)
	}
	w1, _ := json.Marshal(want)
	w2, _ := json.Marshal(back)
	if !bytes.Equal(w1, w2) {
		t.Fatalf("%q: read and written back as %s, encoding/json reads %s", b, w2, w1)
	}
}

// oracle is encoding/json's reading, numbers kept as text.
func oracle(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if len(bytes.TrimLeft(b[d.InputOffset():], " \t\r\n")) != 0 {
		return nil, errors.New("text after the value")
	}
	return v, nil
}
