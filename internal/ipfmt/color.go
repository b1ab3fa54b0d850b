package ipfmt

// Colors, as ip -c paints them (lib/color.c): each kind of item has a
// color, plain on a light background and bold on a dark one, and the
// item's whole text is painted, the blank or ": " that ends it too.
type colorAttr uint8

// The kinds of items ip paints (enum color_attr).
const (
	cIfname colorAttr = iota + 1
	cMAC
	cInet
	cInet6
	cUp
	cDown
)

// Palettes of Printer.Color; escape sequences by colorAttr.
const (
	LightBackground = 1
	DarkBackground  = 2
)

// colorDigits are the ANSI colors of the colorAttrs, from cIfname:
// cyan, yellow, magenta, blue, green, red.
const colorDigits = "-635421"

const colorOff = "\x1b[0m"

// escape starts a's color in palette.
//
//go:noinline
func escape(palette uint8, a colorAttr) string {
	if palette == DarkBackground {
		return "\x1b[1;3" + colorDigits[a:a+1] + "m"
	}
	return "\x1b[3" + colorDigits[a:a+1] + "m"
}

// paint is s in a's color, when the printer paints.
//
//go:noinline
func (p *Printer) paint(a colorAttr, s string) string {
	if p.Color == 0 || p.JSON || a == 0 {
		return s
	}
	return escape(p.Color, a) + s + colorOff
}

// familyColor is ifa_family_color: an address's color by its family.
func familyColor(is4 bool) colorAttr {
	if is4 {
		return cInet
	}
	return cInet6
}

// operColor is oper_state_color: UP and DOWN have colors.
func operColor(s uint8) colorAttr {
	switch s {
	case 6: // IF_OPER_UP
		return cUp
	case 2: // IF_OPER_DOWN
		return cDown
	}
	return 0
}
