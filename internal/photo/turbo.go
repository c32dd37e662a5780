//go:build cgo

package photo

/*
#cgo LDFLAGS: -ljpeg
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>
#include <malloc.h>

// libjpeg's default error_exit calls exit(): an error manager that jumps
// back to the function that called into libjpeg instead, with the message.
typedef struct {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
} id06_err;

static void id06_error_exit(j_common_ptr c) {
	id06_err *e = (id06_err *)c->err;
	(*c->err->format_message)(c, e->msg);
	longjmp(e->jump, 1);
}

// Warnings about damaged image data (premature end of file, bad Huffman
// codes, ...) are errors, as they are to image/jpeg: libjpeg would fill the
// rest with grey. Metadata warnings and garbage between segments (which
// image/jpeg skips too) are ignored.
static void id06_emit_message(j_common_ptr c, int level) {
	if (level >= 0) {
		return; // trace messages
	}
	switch (c->err->msg_code) {
	case JWRN_EXTRANEOUS_DATA:
	case JWRN_JFIF_MAJOR:
	case JWRN_ADOBE_XFORM:
	case JWRN_BOGUS_ICC:
		return;
	}
	id06_error_exit(c);
}

// id06_max_scans bounds a progressive JPEG's scans: each costs a pass over
// every coefficient, so thousands of tiny scans in a small file would take
// minutes (libjpeg-turbo's own advice; its TurboJPEG API uses 500 too).
enum { id06_max_scans = 500 };

static void id06_progress(j_common_ptr c) {
	j_decompress_ptr d = (j_decompress_ptr)c;
	if (d->input_scan_number > id06_max_scans) {
		id06_err *e = (id06_err *)c->err;
		snprintf(e->msg, sizeof e->msg, "more than %d scans", id06_max_scans);
		longjmp(e->jump, 1);
	}
}

static void id06_init_err(id06_err *e) {
	jpeg_std_error(&e->pub);
	e->pub.error_exit = id06_error_exit;
	e->pub.emit_message = id06_emit_message;
	e->msg[0] = 0;
}

enum { id06_ok = 0, id06_fail = 1, id06_unsupported = 2 };

// id06_heap_in_use is the C heap's bytes in use (for the leak test).
static long id06_heap_in_use(void) {
	struct mallinfo2 m = mallinfo2();
	return (long)m.uordblks;
}

// id06_decode decodes the JPEG data[0:n] scaled by 1/denom (1, 2, 4 or 8;
// libjpeg scales in the DCT domain) into dst: RGBA rows of stride bytes,
// out_w×out_h, which must be exactly the scaled size of a w×h image (as the
// caller read from the header and checked). The header is read first, and
// nothing is decoded unless it says w×h. maxMem bounds the memory libjpeg
// keeps for a progressive image's coefficients. Returns id06_unsupported for
// colour spaces it does not convert to RGB (CMYK, YCCK): decode those
// elsewhere. Nothing stays allocated on any path.
static int id06_decode(const unsigned char *data, unsigned long n, int denom,
		int w, int h, unsigned char *dst, int out_w, int out_h, int stride,
		long maxMem, char *msg, int msglen) {
	struct jpeg_decompress_struct d;
	struct jpeg_progress_mgr prog;
	id06_err err;
	int rc = id06_ok;
	memset(&d, 0, sizeof d);
	id06_init_err(&err);
	d.err = &err.pub;
	if (setjmp(err.jump)) {
		snprintf(msg, msglen, "%s", err.msg);
		jpeg_destroy_decompress(&d);
		return id06_fail;
	}
	jpeg_create_decompress(&d);
	d.mem->max_memory_to_use = maxMem;
	prog.progress_monitor = id06_progress;
	d.progress = &prog;
	jpeg_mem_src(&d, data, n);
	jpeg_read_header(&d, TRUE);
	if ((int)d.image_width != w || (int)d.image_height != h) {
		snprintf(msg, msglen, "header says %ux%u, expected %dx%d", d.image_width, d.image_height, w, h);
		rc = id06_fail;
		goto done;
	}
	if (d.jpeg_color_space == JCS_CMYK || d.jpeg_color_space == JCS_YCCK) {
		rc = id06_unsupported;
		goto done;
	}
	d.out_color_space = JCS_EXT_RGBA;
	d.scale_num = 1;
	d.scale_denom = denom;
	d.dct_method = JDCT_ISLOW;
	d.do_fancy_upsampling = TRUE;
	jpeg_calc_output_dimensions(&d);
	if ((int)d.output_width != out_w || (int)d.output_height != out_h || d.output_components != 4 || stride < 4 * out_w) {
		snprintf(msg, msglen, "output %ux%u, expected %dx%d", d.output_width, d.output_height, out_w, out_h);
		rc = id06_fail;
		goto done;
	}
	jpeg_start_decompress(&d);
	while (d.output_scanline < d.output_height) {
		JSAMPROW row = dst + (size_t)d.output_scanline * (size_t)stride;
		if (jpeg_read_scanlines(&d, &row, 1) != 1) {
			snprintf(msg, msglen, "no scanline %u", d.output_scanline);
			rc = id06_fail;
			goto done;
		}
	}
	jpeg_finish_decompress(&d);
done:
	jpeg_destroy_decompress(&d);
	return rc;
}

// id06_dest is a destination manager that grows one malloc'ed buffer;
// unlike jpeg_mem_dest it leaves the buffer where the caller finds it on an
// error, to free.
typedef struct {
	struct jpeg_destination_mgr pub;
	unsigned char *buf;
	size_t cap;
} id06_dest;

static void id06_dest_init(j_compress_ptr c) {
	id06_dest *d = (id06_dest *)c->dest;
	d->cap = 1 << 16;
	d->buf = malloc(d->cap);
	if (d->buf == NULL) {
		ERREXIT1(c, JERR_OUT_OF_MEMORY, 0);
	}
	d->pub.next_output_byte = d->buf;
	d->pub.free_in_buffer = d->cap;
}

static boolean id06_dest_empty(j_compress_ptr c) {
	id06_dest *d = (id06_dest *)c->dest;
	unsigned char *nb = realloc(d->buf, 2 * d->cap);
	if (nb == NULL) {
		ERREXIT1(c, JERR_OUT_OF_MEMORY, 1);
	}
	d->buf = nb;
	d->pub.next_output_byte = nb + d->cap;
	d->pub.free_in_buffer = d->cap;
	d->cap *= 2;
	return TRUE;
}

static void id06_dest_term(j_compress_ptr c) {}

// id06_encode encodes w×h RGBA rows (stride bytes apart) as a baseline JPEG
// of this quality, 4:2:0, without a JFIF or any other metadata segment (as
// image/jpeg writes it). On success *out holds *outlen bytes, malloc'ed: the
// caller frees it; on an error nothing stays allocated.
static int id06_encode(const unsigned char *src, int w, int h, int stride, int quality, int progressive,
		unsigned char **out, size_t *outlen, char *msg, int msglen) {
	struct jpeg_compress_struct c;
	id06_dest dest;
	id06_err err;
	*out = NULL;
	*outlen = 0;
	memset(&c, 0, sizeof c);
	memset(&dest, 0, sizeof dest);
	id06_init_err(&err);
	c.err = &err.pub;
	if (setjmp(err.jump)) {
		snprintf(msg, msglen, "%s", err.msg);
		jpeg_destroy_compress(&c);
		free(dest.buf);
		return id06_fail;
	}
	jpeg_create_compress(&c);
	dest.pub.init_destination = id06_dest_init;
	dest.pub.empty_output_buffer = id06_dest_empty;
	dest.pub.term_destination = id06_dest_term;
	c.dest = &dest.pub;
	c.image_width = w;
	c.image_height = h;
	c.input_components = 4;
	c.in_color_space = JCS_EXT_RGBA;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	c.write_JFIF_header = FALSE;
	c.dct_method = JDCT_ISLOW;
	if (progressive) {
		jpeg_simple_progression(&c);
	}
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = (JSAMPROW)(src + (size_t)c.next_scanline * (size_t)stride);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	*out = dest.buf;
	*outlen = dest.cap - dest.pub.free_in_buffer;
	return id06_ok;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"unsafe"
)

// turbo is true when this build decodes and encodes JPEGs with libjpeg-turbo.
const turbo = true

// errUnsupported: libjpeg-turbo does not convert this JPEG's colour space
// (CMYK, YCCK) to RGB; image/jpeg does.
var errUnsupported = errors.New("photo: colour space left to image/jpeg")

// turboDecode decodes a w×h JPEG (w and h from its header, already checked
// against the limits) at 1/denom of its size in the DCT domain into a new
// RGBA image of jpegScaled(w, h, denom). maxMem bounds libjpeg's own memory
// (the coefficients of a progressive JPEG).
func turboDecode(data []byte, w, h, denom int, maxMem int64) (*image.RGBA, error) {
	if len(data) == 0 {
		return nil, errors.New("empty file")
	}
	size := jpegScaled(w, h, denom)
	dst := image.NewRGBA(image.Rectangle{Max: size})
	var msg [C.JMSG_LENGTH_MAX]C.char
	rc := C.id06_decode((*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), C.int(denom),
		C.int(w), C.int(h), (*C.uchar)(unsafe.Pointer(&dst.Pix[0])), C.int(size.X), C.int(size.Y), C.int(dst.Stride),
		C.long(maxMem), &msg[0], C.int(len(msg)))
	switch rc {
	case C.id06_ok:
		return dst, nil
	case C.id06_unsupported:
		return nil, errUnsupported
	}
	return nil, fmt.Errorf("libjpeg: %s", C.GoString(&msg[0]))
}

// turboEncode encodes img as a JPEG of this quality (4:2:0, no metadata).
func turboEncode(img *image.RGBA, quality int) ([]byte, error) {
	return turboEncodeMode(img, quality, false)
}

// cHeapInUse is the bytes malloc has handed out and not got back.
func cHeapInUse() int64 { return int64(C.id06_heap_in_use()) }

// turboEncodeMode is turboEncode, progressive (for tests) or baseline.
func turboEncodeMode(img *image.RGBA, quality int, progressive bool) ([]byte, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("encode %d×%d image", w, h)
	}
	pix := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y):]
	var out *C.uchar
	var n C.size_t
	var msg [C.JMSG_LENGTH_MAX]C.char
	rc := C.id06_encode((*C.uchar)(unsafe.Pointer(&pix[0])), C.int(w), C.int(h), C.int(img.Stride), C.int(quality), C.int(btoi(progressive)),
		&out, &n, &msg[0], C.int(len(msg)))
	if rc != C.id06_ok {
		return nil, fmt.Errorf("libjpeg: %s", C.GoString(&msg[0]))
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(n)), nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
