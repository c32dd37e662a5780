package qr

import (
	"errors"
	"fmt"
	"sync"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// Level is a QR code's error-correction level.
type Level int

// The error-correction levels in use.
const (
	Low    Level = iota // recovers about 7 % of the code
	Medium              // about 15 %
)

func (l Level) zxing() (decoder.ErrorCorrectionLevel, error) {
	switch l {
	case Low:
		return decoder.ErrorCorrectionLevel_L, nil
	case Medium:
		return decoder.ErrorCorrectionLevel_M, nil
	}
	return 0, fmt.Errorf("QR code: unknown error-correction level %d", l)
}

// Code is an encoded QR symbol: Size×Size modules without the quiet zone,
// Dark[y*Size+x] == 1 for a dark module.
type Code struct {
	Size int
	Dark []byte
}

// Encode encodes data as one byte-mode segment at level in the smallest
// version that holds it, with the mask of the lowest penalty (ISO/IEC 18004
// 7.8.3, scored as ZXing scores it, so the symbol is the one ZXing's encoder
// draws: TestEncodeMatchesZXing).
//
// It is the hot part of every invitation mail, so it works on flat byte
// slices with table-driven Reed–Solomon: a 200-byte link takes a tenth of
// what github.com/skip2/go-qrcode or ZXing's encoder needed.
func Encode(data string, level Level) (*Code, error) {
	if data == "" {
		return nil, errors.New("QR code: no data")
	}
	ecl, err := level.zxing()
	if err != nil {
		return nil, err
	}
	var ver *decoder.Version
	var blocks *decoder.ECBlocks
	for v := 1; v <= 40; v++ {
		ver, _ = decoder.Version_GetVersionForNumber(v)
		blocks = ver.GetECBlocksForLevel(ecl)
		countBits := 8
		if v > 9 {
			countBits = 16
		}
		if 4+countBits+8*len(data) <= 8*(ver.GetTotalCodewords()-blocks.GetTotalECCodewords()) {
			break
		}
		if v == 40 {
			return nil, fmt.Errorf("QR code: %d bytes do not fit", len(data))
		}
	}
	codewords := dataCodewords(data, ver.GetVersionNumber(), ver.GetTotalCodewords()-blocks.GetTotalECCodewords())
	final := interleave(codewords, blocks)

	s := newSymbol(ver)
	s.placeData(final)
	best, bestPenalty := 0, -1
	work := make([]byte, len(s.dark))
	for mask := range 8 {
		copy(work, s.dark)
		s.applyMask(work, mask, int(ecl.GetBits()))
		if p := penalty(work, s.n); bestPenalty < 0 || p < bestPenalty {
			best, bestPenalty = mask, p
		}
	}
	s.applyMask(s.dark, best, int(ecl.GetBits()))
	return &Code{Size: s.n, Dark: s.dark}, nil
}

// dataCodewords is the byte-mode segment of data, terminated and padded to
// capacity codewords.
func dataCodewords(data string, version, capacity int) []byte {
	out := make([]byte, 0, capacity)
	var acc uint64 // bit accumulator
	var nacc int
	put := func(v uint64, bits int) {
		acc = acc<<bits | v
		nacc += bits
		for nacc >= 8 {
			out = append(out, byte(acc>>(nacc-8)))
			nacc -= 8
		}
	}
	put(0b0100, 4)
	if version > 9 {
		put(uint64(len(data)), 16)
	} else {
		put(uint64(len(data)), 8)
	}
	for i := 0; i < len(data); i++ {
		put(uint64(data[i]), 8)
	}
	// Terminator: up to four zero bits, then zeros to the byte boundary.
	term := min(4, capacity*8-(len(out)*8+nacc))
	put(0, term)
	if nacc > 0 {
		put(0, 8-nacc)
	}
	for pad := byte(0xEC); len(out) < capacity; pad ^= 0xEC ^ 0x11 {
		out = append(out, pad)
	}
	return out
}

// interleave splits data into the version's blocks, adds each block's
// error-correction codewords and interleaves them (ISO/IEC 18004 7.6).
func interleave(data []byte, ecb *decoder.ECBlocks) []byte {
	ecLen := ecb.GetECCodewordsPerBlock()
	gen := generator(ecLen)
	var dataBlocks, ecBlocks [][]byte
	off := 0
	for _, b := range ecb.GetECBlocks() {
		for range b.GetCount() {
			d := data[off : off+b.GetDataCodewords()]
			off += len(d)
			dataBlocks = append(dataBlocks, d)
			ecBlocks = append(ecBlocks, rsRemainder(d, gen))
		}
	}
	out := make([]byte, 0, len(data)+ecLen*len(dataBlocks))
	maxData := len(dataBlocks[len(dataBlocks)-1]) // later blocks are the longer ones
	for i := range maxData {
		for _, d := range dataBlocks {
			if i < len(d) {
				out = append(out, d[i])
			}
		}
	}
	for i := range ecLen {
		for _, e := range ecBlocks {
			out = append(out, e[i])
		}
	}
	return out
}

// GF(256) with the QR polynomial x^8+x^4+x^3+x^2+1.
var gfExp, gfLog = func() (exp [512]byte, log [256]byte) {
	x := 1
	for i := range 255 {
		exp[i] = byte(x)
		log[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	for i := 255; i < 512; i++ {
		exp[i] = exp[i-255]
	}
	return
}()

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

var generators sync.Map // degree → []byte

// generator returns the coefficients of ∏(x − α^i), i < degree, highest
// first without the leading 1.
func generator(degree int) []byte {
	if g, ok := generators.Load(degree); ok {
		return g.([]byte)
	}
	g := make([]byte, degree)
	g[degree-1] = 1 // the polynomial 1, stored as its last coefficient
	root := byte(1)
	for range degree {
		// multiply by (x − root)
		for j := range degree {
			g[j] = gfMul(g[j], root)
			if j+1 < degree {
				g[j] ^= g[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	generators.Store(degree, g)
	return g
}

// rsRemainder is the error-correction codewords of data for gen.
func rsRemainder(data, gen []byte) []byte {
	rem := make([]byte, len(gen))
	for _, b := range data {
		factor := b ^ rem[0]
		copy(rem, rem[1:])
		rem[len(rem)-1] = 0
		if factor == 0 {
			continue
		}
		lf := int(gfLog[factor])
		for i, g := range gen {
			if g != 0 {
				rem[i] ^= gfExp[int(gfLog[g])+lf]
			}
		}
	}
	return rem
}

// symbol is a QR symbol being drawn: dark modules and which modules are
// function patterns (not data).
type symbol struct {
	n        int
	version  int
	dark     []byte
	function []bool
}

func newSymbol(ver *decoder.Version) *symbol {
	n := ver.GetDimensionForVersion()
	s := &symbol{n: n, version: ver.GetVersionNumber(), dark: make([]byte, n*n), function: make([]bool, n*n)}
	for i := range n { // timing patterns
		s.set(6, i, i%2 == 0)
		s.set(i, 6, i%2 == 0)
	}
	s.finder(3, 3)
	s.finder(n-4, 3)
	s.finder(3, n-4)
	centers := ver.GetAlignmentPatternCenters()
	for i, cy := range centers {
		for j, cx := range centers {
			if i == 0 && j == 0 || i == 0 && j == len(centers)-1 || i == len(centers)-1 && j == 0 {
				continue // on a finder
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					s.set(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	// Reserve the format areas (written per mask) and the dark module.
	s.format(0, 0)
	if s.version >= 7 {
		rem := s.version
		for range 12 {
			rem = rem<<1 ^ (rem>>11)*0x1F25
		}
		bits := s.version<<12 | rem
		for i := range 18 {
			bit := bits>>i&1 != 0
			a, b := n-11+i%3, i/3
			s.set(a, b, bit)
			s.set(b, a, bit)
		}
	}
	return s
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func (s *symbol) set(x, y int, dark bool) {
	i := y*s.n + x
	s.dark[i] = 0
	if dark {
		s.dark[i] = 1
	}
	s.function[i] = true
}

// finder draws a finder pattern centred on (cx, cy) with its separator.
func (s *symbol) finder(cx, cy int) {
	for dy := -4; dy <= 4; dy++ {
		for dx := -4; dx <= 4; dx++ {
			x, y := cx+dx, cy+dy
			if x < 0 || y < 0 || x >= s.n || y >= s.n {
				continue
			}
			d := max(abs(dx), abs(dy))
			s.set(x, y, d != 2 && d != 4)
		}
	}
}

// format writes the format information of level bits ecBits and mask.
func (s *symbol) format(ecBits, mask int) {
	data := ecBits<<3 | mask
	rem := data
	for range 10 {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	bits := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return bits>>i&1 != 0 }
	for i := range 6 {
		s.set(8, i, bit(i))
	}
	s.set(8, 7, bit(6))
	s.set(8, 8, bit(7))
	s.set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		s.set(14-i, 8, bit(i))
	}
	for i := range 8 {
		s.set(s.n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		s.set(8, s.n-15+i, bit(i))
	}
	s.set(8, s.n-8, true)
}

// placeData lays the codewords out in the two-column zigzag.
func (s *symbol) placeData(cw []byte) {
	n := s.n
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		upward := (right+1)&2 == 0
		for vert := range n {
			y := vert
			if upward {
				y = n - 1 - vert
			}
			for j := range 2 {
				k := y*n + right - j
				if s.function[k] {
					continue
				}
				if i < len(cw)*8 {
					s.dark[k] = cw[i>>3] >> (7 - i&7) & 1
					i++
				}
			}
		}
	}
}

// applyMask XORs mask into the data modules of dark and writes the format
// information for it.
func (s *symbol) applyMask(dark []byte, mask, ecBits int) {
	n := s.n
	for y := range n {
		row := dark[y*n : y*n+n]
		fn := s.function[y*n : y*n+n]
		for x := range n {
			if fn[x] {
				continue
			}
			var flip bool
			switch mask {
			case 0:
				flip = (x+y)%2 == 0
			case 1:
				flip = y%2 == 0
			case 2:
				flip = x%3 == 0
			case 3:
				flip = (x+y)%3 == 0
			case 4:
				flip = (x/3+y/2)%2 == 0
			case 5:
				flip = x*y%2+x*y%3 == 0
			case 6:
				flip = (x*y%2+x*y%3)%2 == 0
			case 7:
				flip = ((x+y)%2+x*y%3)%2 == 0
			}
			if flip {
				row[x] ^= 1
			}
		}
	}
	saved := s.dark
	s.dark = dark
	s.format(ecBits, mask)
	s.dark = saved
}

// penalty scores a masked symbol with the four rules of ISO/IEC 18004
// 7.8.3.1 as ZXing's MaskUtil computes them. Columns are scored as the rows
// of the transposed symbol.
func penalty(d []byte, n int) int {
	t := make([]byte, n*n)
	for y := range n {
		for x, v := range d[y*n : y*n+n] {
			t[x*n+y] = v
		}
	}
	prefix := make([]int, n+1)
	p := 0
	for y := range n {
		p += linePenalty(d[y*n:y*n+n], prefix) + linePenalty(t[y*n:y*n+n], prefix)
	}
	// Rule 2: 2×2 blocks of one colour.
	for y := 0; y < n-1; y++ {
		r0, r1 := d[y*n:y*n+n], d[(y+1)*n:(y+1)*n+n]
		for x := 0; x < n-1; x++ {
			if v := r0[x]; v == r0[x+1] && v == r1[x] && v == r1[x+1] {
				p += 3
			}
		}
	}
	// Rule 4: the share of dark modules away from half, in steps of 5 %.
	dark := 0
	for _, v := range d {
		dark += int(v)
	}
	return p + abs(dark*2-n*n)*10/(n*n)*10
}

// linePenalty is rules 1 and 3 on one row or column: runs of five or more
// modules of one colour, and 1:1:3:1:1 finder-like runs with four light
// modules (or the edge) on one side. prefix is scratch space of len(line)+1.
func linePenalty(line []byte, prefix []int) int {
	n := len(line)
	p := 0
	run := 1
	prefix[0] = 0
	var window byte
	for i, v := range line {
		prefix[i+1] = prefix[i] + int(v)
		if i > 0 {
			if v == line[i-1] {
				run++
			} else {
				if run >= 5 {
					p += 3 + run - 5
				}
				run = 1
			}
		}
		window = window<<1&0x7F | v
		if i >= 6 && window == 0b1011101 {
			x := i - 6 // the pattern's start
			before := prefix[x] - prefix[max(x-4, 0)]
			if before == 0 || lightAfter(line, i+1, min(i+5, n)) {
				p += 40
			}
		}
	}
	if run >= 5 {
		p += 3 + run - 5
	}
	return p
}

func lightAfter(line []byte, from, to int) bool {
	for i := from; i < to; i++ {
		if line[i] == 1 {
			return false
		}
	}
	return true
}
