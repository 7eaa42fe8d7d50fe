package prompt

import (
	"encoding/json"
	"strings"

	"github.com/naengbu/recipe-ai/domain"
)

// candidate reads one JSON object byte by byte, from a '{' of the answer, with the
// grammar encoding/json's decoder applies. It tracks where the recipe lists are (in the
// object itself or in the object of its only key) and hands each recipe of a list to its
// parser the moment the recipe's closing brace is read.
type candidate struct {
	p     *StreamParser
	root  *frame
	stack []*frame
	state scanState

	str    int    // where the string being read began (its opening quote)
	key    bool   // the string being read is an object key
	hex    int    // hex digits of a \u escape still to come
	wanted string // the rest of the literal being read
}

// stepResult says what one byte did to a candidate.
type stepResult int

const (
	stepMore   stepResult = iota // the object goes on
	stepFailed                   // the byte breaks the JSON grammar
	stepDone                     // the byte closed the object
)

type scanState uint8

const (
	sValue    scanState = iota // a value
	sArrFirst                  // a value or ']'
	sObjFirst                  // a key or '}'
	sObjKey                    // a key
	sColon                     // ':'
	sAfter                     // ',' or the closer of the enclosing object or array
	sString                    // inside a string
	sEscape                    // after a backslash
	sHex                       // inside a \u escape
	sNeg                       // after '-'
	sZero                      // a number's leading 0
	sInt                       // a number's integer digits
	sFrac0                     // after the decimal point
	sFrac                      // fraction digits
	sExp0                      // after 'e'
	sExpSign                   // after the exponent's sign
	sExp                       // exponent digits
	sLiteral                   // inside true, false or null
)

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

type role uint8

const (
	roleOther   role = iota
	roleAnswer       // the candidate object itself
	roleWrapper      // the object value of the candidate's latest key
	roleList         // a recipe list of an answer or wrapper object
	roleRecipe       // an object in a recipe list
)

// frame is an object or array being read.
type frame struct {
	array bool
	role  role
	key   string // objects: the key whose value comes next, for answer and wrapper objects

	// answer and wrapper objects
	lists   [2]list
	keys    map[string]bool // answer object: its distinct keys
	wrapper *frame          // answer object: its latest key's value, when that is an object

	// lists: where their recipes go
	owner *frame
	kind  int
	run   int

	// recipes: where the object began
	start int
}

// list is one recipe list of an answer or wrapper object, from the key ParseAnswer would
// read it under (see object.get).
type list struct {
	key     string // "" until a key of the list is seen
	present bool   // the key has a value other than null
	broken  bool   // the value is not a list of recipe objects ParseAnswer can read
	run     int    // counts the values the list was taken from; a later key replaces it
	recipes []domain.Recipe
}

func newCandidate(p *StreamParser, start int) *candidate {
	root := &frame{role: roleAnswer, keys: make(map[string]bool)}
	return &candidate{p: p, root: root, stack: []*frame{root}, state: sObjFirst}
}

// answer reports whether the complete object is one ParseAnswer accepts as the answer:
// it has a recipe list, or it has one key, whose object value has one.
func (c *candidate) answer() bool {
	return c.root.hasList() || (len(c.root.keys) == 1 && c.root.wrapper != nil && c.root.wrapper.hasList())
}

// view returns the recipes read so far from the lists ParseAnswer would take.
func (c *candidate) view() [2][]domain.Recipe {
	f := c.root
	if !f.hasList() {
		if len(c.root.keys) != 1 || c.root.wrapper == nil {
			return [2][]domain.Recipe{}
		}
		f = c.root.wrapper
	}
	return [2][]domain.Recipe{f.lists[0].recipes, f.lists[1].recipes}
}

func (f *frame) hasList() bool { return f.lists[0].present || f.lists[1].present }

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// step reads the byte b at offset at of the parser's buffer.
func (c *candidate) step(b byte, at int) stepResult {
	for {
		switch c.state {
		case sValue, sArrFirst:
			if isSpace(b) {
				return stepMore
			}
			if c.state == sArrFirst && b == ']' {
				return c.close(at)
			}
			return c.begin(b, at)
		case sObjFirst, sObjKey:
			switch {
			case isSpace(b):
				return stepMore
			case b == '"':
				c.state, c.str, c.key = sString, at, true
				return stepMore
			case b == '}' && c.state == sObjFirst:
				return c.close(at)
			}
			return stepFailed
		case sColon:
			switch {
			case isSpace(b):
				return stepMore
			case b == ':':
				c.state = sValue
				return stepMore
			}
			return stepFailed
		case sAfter:
			top := c.stack[len(c.stack)-1]
			switch {
			case isSpace(b):
				return stepMore
			case b == ',' && top.array:
				c.state = sValue
				return stepMore
			case b == ',':
				c.state = sObjKey
				return stepMore
			case b == ']' && top.array, b == '}' && !top.array:
				return c.close(at)
			}
			return stepFailed
		case sString:
			switch {
			case b == '"':
				return c.endString(at)
			case b == '\\':
				c.state = sEscape
			case b < 0x20:
				return stepFailed
			}
			return stepMore
		case sEscape:
			switch b {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				c.state = sString
			case 'u':
				c.state, c.hex = sHex, 4
			default:
				return stepFailed
			}
			return stepMore
		case sHex:
			if !isHex(b) {
				return stepFailed
			}
			if c.hex--; c.hex == 0 {
				c.state = sString
			}
			return stepMore
		case sNeg:
			switch {
			case b == '0':
				c.state = sZero
			case '1' <= b && b <= '9':
				c.state = sInt
			default:
				return stepFailed
			}
			return stepMore
		case sZero, sInt:
			switch {
			case c.state == sInt && isDigit(b):
				return stepMore
			case b == '.':
				c.state = sFrac0
				return stepMore
			case b == 'e' || b == 'E':
				c.state = sExp0
				return stepMore
			}
			c.state = sAfter // the number ended before b: read b after it
		case sFrac0, sFrac:
			switch {
			case isDigit(b):
				c.state = sFrac
				return stepMore
			case c.state == sFrac0:
				return stepFailed
			case b == 'e' || b == 'E':
				c.state = sExp0
				return stepMore
			}
			c.state = sAfter
		case sExp0, sExpSign:
			switch {
			case isDigit(b):
				c.state = sExp
			case c.state == sExp0 && (b == '+' || b == '-'):
				c.state = sExpSign
			default:
				return stepFailed
			}
			return stepMore
		case sExp:
			if isDigit(b) {
				return stepMore
			}
			c.state = sAfter
		case sLiteral:
			if b != c.wanted[0] {
				return stepFailed
			}
			if c.wanted = c.wanted[1:]; c.wanted == "" {
				c.state = sAfter
			}
			return stepMore
		}
	}
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
func isHex(b byte) bool   { return isDigit(b) || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F' }

// begin starts the value whose first byte b is at offset at, in the enclosing frame's
// place: a key's value or a list's element.
func (c *candidate) begin(b byte, at int) stepResult {
	f := &frame{}
	parent := c.stack[len(c.stack)-1]
	switch parent.role {
	case roleAnswer, roleWrapper:
		c.value(parent, f, b)
	case roleList:
		c.element(parent, f, b, at)
	}
	switch {
	case b == '{' || b == '[':
		f.array = b == '['
		c.stack = append(c.stack, f)
		if len(c.stack) > maxDepth {
			return stepFailed
		}
		c.state = sObjFirst
		if f.array {
			c.state = sArrFirst
		}
	case b == '"':
		c.state, c.str, c.key = sString, at, false
	case b == '-':
		c.state = sNeg
	case b == '0':
		c.state = sZero
	case '1' <= b && b <= '9':
		c.state = sInt
	case b == 't':
		c.state, c.wanted = sLiteral, "rue"
	case b == 'f':
		c.state, c.wanted = sLiteral, "alse"
	case b == 'n':
		c.state, c.wanted = sLiteral, "ull"
	default:
		return stepFailed
	}
	return stepMore
}

// value notes the value of parent's current key, which begins with b and becomes f when
// it is an object or array: a recipe list when the key names one and is the key
// ParseAnswer would read it under, the wrapped answer when it is an object under the
// candidate's key.
func (c *candidate) value(parent, f *frame, b byte) {
	if parent.role == roleAnswer {
		parent.keys[parent.key] = true
		parent.wrapper = nil
		if b == '{' {
			f.role, parent.wrapper = roleWrapper, f
		}
	}
	for k, name := range listNames {
		if !strings.EqualFold(parent.key, name) {
			continue
		}
		l := &parent.lists[k]
		if !takes(l.key, parent.key, name) {
			return
		}
		*l = list{key: parent.key, present: b != 'n', broken: b != '[' && b != 'n', run: l.run + 1}
		if b == '[' {
			f.role, f.owner, f.kind, f.run = roleList, parent, k, l.run
		}
		return
	}
}

// takes reports whether the key found, matching name, replaces the key held (see
// object.get): the exact name wins, then the first spelling in sorted order; a key seen
// again replaces its earlier value, as in a decoded map.
func takes(held, found, name string) bool {
	switch {
	case found == name || held == "":
		return true
	case held == name:
		return false
	}
	return found <= held
}

// element notes the next element of a recipe list, which begins with b: a recipe when it
// is an object, else the list is broken.
func (c *candidate) element(parent, f *frame, b byte, at int) {
	if b != '{' {
		c.breakList(parent)
		return
	}
	f.role, f.owner, f.kind, f.run, f.start = roleRecipe, parent.owner, parent.kind, parent.run, at
}

func (c *candidate) breakList(f *frame) {
	if l := &f.owner.lists[f.kind]; l.run == f.run {
		l.broken = true
	}
}

// endString ends the string whose closing quote is at offset at.
func (c *candidate) endString(at int) stepResult {
	c.state = sAfter
	if !c.key {
		return stepMore
	}
	c.state = sColon
	top := c.stack[len(c.stack)-1]
	if top.role == roleAnswer || top.role == roleWrapper {
		var key string
		_ = json.Unmarshal(c.p.buf[c.str:at+1], &key) // the grammar was checked byte by byte
		top.key = key
	}
	return stepMore
}

// close closes the object or array on top of the stack with the byte at offset at.
func (c *candidate) close(at int) stepResult {
	f := c.stack[len(c.stack)-1]
	c.stack = c.stack[:len(c.stack)-1]
	c.state = sAfter
	if f.role == roleRecipe {
		c.addRecipe(f, c.p.buf[f.start:at+1])
	}
	if len(c.stack) == 0 {
		return stepDone
	}
	return stepMore
}

// addRecipe reads the recipe object span closed in f and, when its list is still the
// one ParseAnswer would read, adds it there and lets the parser emit it.
func (c *candidate) addRecipe(f *frame, span []byte) {
	l := &f.owner.lists[f.kind]
	if l.run != f.run || l.broken {
		return
	}
	r, ok := parseRecipe(span)
	if !ok {
		l.broken = true
		return
	}
	l.recipes = append(l.recipes, r)
	c.p.sync()
}
