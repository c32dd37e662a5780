package photo

import (
	"image"
	"math"
)

// Problem is a reason a card photo is not accepted. Its value is a stable
// code for the frontend; Message gives the sentence to show.
type Problem string

// Problems Check reports.
const (
	NoFace       Problem = "no_face"
	SeveralFaces Problem = "several_faces"
	NotCentred   Problem = "not_centred"
	TooFar       Problem = "too_far"
	TooClose     Problem = "too_close"
	TooDark      Problem = "too_dark"
	TooBright    Problem = "too_bright"
	// Unreadable: the bytes given to Check are not a JPEG it can decode.
	Unreadable Problem = "unreadable"
)

// Thresholds of Check, on the rendered card photo.
const (
	maxOffCentre = 0.10 // face centre from the middle, share of the width
	minHead      = 0.65 // head height, share of the frame height
	maxHead      = 0.85
	minFaceLuma  = 50 // mean luma of the face box, 0–255
	maxFaceLuma  = 215
)

// Result is the outcome of Check: OK when Problems is empty.
type Result struct {
	OK       bool
	Problems []Problem
}

// Check looks at a rendered card photo and reports what the person should
// fix: no face or several, face off-centre, head too small or too large,
// face too dark or too bright.
func Check(jpegData []byte) Result {
	img, err := decodeJPEG(jpegData)
	if err != nil {
		return Result{Problems: []Problem{Unreadable}}
	}
	faces := DetectFaces(img)
	switch len(faces) {
	case 0:
		return Result{Problems: []Problem{NoFace}}
	case 1:
	default:
		return Result{Problems: []Problem{SeveralFaces}}
	}

	var problems []Problem
	b := img.Bounds()
	face := faces[0].Rect
	w, h := float64(b.Dx()), float64(b.Dy())
	cx := float64(face.Min.X+face.Max.X)/2 - float64(b.Min.X)
	if math.Abs(cx-w/2) > maxOffCentre*w {
		problems = append(problems, NotCentred)
	}
	top, chin := headSpan(face)
	switch head := (chin - top) / h; {
	case head < minHead:
		problems = append(problems, TooFar)
	case head > maxHead:
		problems = append(problems, TooClose)
	}
	switch l := meanLuma(img, face); {
	case l < minFaceLuma:
		problems = append(problems, TooDark)
	case l > maxFaceLuma:
		problems = append(problems, TooBright)
	}
	return Result{OK: len(problems) == 0, Problems: problems}
}

// meanLuma is the mean luma (0–255) of img inside r.
func meanLuma(img image.Image, r image.Rectangle) float64 {
	r = r.Intersect(img.Bounds())
	if r.Empty() {
		return 0
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return 0
	}
	gray, _ := lumaReduced(sub.SubImage(r), max(r.Dx(), r.Dy()))
	var sum uint64
	for _, v := range gray.Pix {
		sum += uint64(v)
	}
	return float64(sum) / float64(len(gray.Pix))
}

var messages = map[Problem]map[string]string{
	NoFace: {
		"sv": "Vi hittar inget ansikte. Se rakt in i kameran i bra ljus.",
		"en": "We can't find a face. Look straight into the camera in good light.",
	},
	SeveralFaces: {
		"sv": "Vi ser mer än ett ansikte. Se till att bara du syns på bilden.",
		"en": "We see more than one face. Make sure only you are in the picture.",
	},
	NotCentred: {
		"sv": "Ansiktet är inte mitt i bilden. Flytta dig eller kameran så att ansiktet hamnar i mitten.",
		"en": "Your face is not in the middle. Move yourself or the camera so your face is centred.",
	},
	TooFar: {
		"sv": "Ansiktet är för litet. Gå närmare kameran eller välj en bild där ansiktet syns större.",
		"en": "Your face is too small. Move closer to the camera or choose a photo where your face is larger.",
	},
	TooClose: {
		"sv": "Du är för nära. Backa lite så att hela huvudet och lite av axlarna syns.",
		"en": "You are too close. Move back a little so your whole head and the top of your shoulders show.",
	},
	TooDark: {
		"sv": "Ansiktet är för mörkt. Ställ dig i bättre ljus, gärna vänd mot ett fönster eller en lampa.",
		"en": "Your face is too dark. Find better light, for example facing a window or a lamp.",
	},
	TooBright: {
		"sv": "Ansiktet är för ljust. Undvik blixt och starkt ljus rakt mot ansiktet.",
		"en": "Your face is too bright. Avoid flash and strong light straight at your face.",
	},
	Unreadable: {
		"sv": "Vi kan inte läsa bilden. Ta ett nytt foto eller välj en annan bild.",
		"en": "We can't read the photo. Take a new photo or choose another picture.",
	},
}

// Message returns the sentence that tells the person what to do about p, in
// Swedish ("sv") or English ("en"; also used for any other language). An
// unknown problem gives "".
func Message(p Problem, lang string) string {
	m, ok := messages[p]
	if !ok {
		return ""
	}
	if s, ok := m[lang]; ok {
		return s
	}
	return m["en"]
}
