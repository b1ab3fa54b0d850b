package ipfmt

import (
	"strings"
	"testing"
)

// The writer is iproute2's json_writer: compact, or -p with its own
// layout; strings escaped as it escapes them. (cmd/nsnet compares whole
// outputs with ip -j and ip -j -p byte for byte.)
func TestJSONWriter(t *testing.T) {
	v := []Object{{{Key: "s", Value: "a\"b\\c\t<&>\x01"}, {Key: "n", Value: uint32(7)}, {Key: "empty", Value: []string{}},
		{Key: "list", Value: []string{"x", "y"}}, {Key: "inner", Value: []Object{{{Key: "k", Value: true}}, {{Key: "k", Value: nil}}}}}}
	cases := map[bool]string{
		false: `[{"s":"a\"b\\c\t<&>\u0001","n":7,"empty":[],"list":["x","y"],"inner":[{"k":true},{"k":null}]}]` + "\n",
		true: `[ {
        "s": "a\"b\\c\t<&>\u0001",
        "n": 7,
        "empty": [ ],
        "list": [ "x","y" ],
        "inner": [ {
                "k": true
            },{
                "k": null
            } ]
    } ]
`,
	}
	for pretty, want := range cases {
		var b strings.Builder
		if err := writeJSON(&b, v, pretty); err != nil || b.String() != want {
			t.Errorf("pretty %v:\ngot  %s\nwant %s", pretty, b.String(), want)
		}
	}
}
