package identity

// Luhn reports whether digits (ASCII digits only, at least two) end in their
// Luhn (mod 10) check digit: from the right, every second digit before the
// check digit is doubled and the digits of the products are summed. It is the
// check of Swedish personal identity, coordination and organisation numbers
// (their 10-digit form).
func Luhn(digits string) bool {
	if len(digits) < 2 {
		return false
	}
	sum := 0
	for i := range len(digits) {
		d := digits[len(digits)-1-i]
		if d < '0' || d > '9' {
			return false
		}
		n := int(d - '0')
		if i%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}
