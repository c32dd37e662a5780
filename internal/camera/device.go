package camera

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pion/mediadevices/pkg/driver"
	pioncamera "github.com/pion/mediadevices/pkg/driver/camera"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
)

// driversMu serialises everything this package does with mediadevices'
// driver manager and driver states. The manager is a process-wide singleton
// guarded by its own lock, but a driver's open/closed state is not: listing
// devices (which opens a closed driver to read its modes) while a camera is
// opened or closed would race.
var driversMu sync.Mutex

// Device is a camera the driver manager knows about.
type Device struct {
	// ID names the camera for Open. It is valid until the next Rescan, which
	// gives every camera a new one.
	ID string
	// Label identifies the camera across rescans and restarts; on Linux it is
	// "<by-id or by-path name>;<videoN>". Store this, not ID, to remember a
	// chosen camera.
	Label string
	// Name is the human-readable model name when the driver reports one
	// (V4L2's card name), otherwise Label.
	Name string
	// Available is false when the camera could not be opened to read its
	// modes, usually because another program is using it.
	Available bool
	// Resolutions the camera can stream in a format this package decodes,
	// largest first.
	Resolutions []Resolution
}

// Resolution is a frame size a camera offers, with the highest frame rate it
// offers at that size (0 when the driver does not say).
type Resolution struct {
	Width, Height int
	FPS           float32
}

// decodable are the frame formats whose frames arrive as YCbCr (MJPEG
// decodes to YCbCr too, at a CPU cost). Z16 (depth) and anything the frame
// package cannot decode are left out.
var decodable = []frame.Format{
	frame.FormatI420, frame.FormatNV12, frame.FormatNV21,
	frame.FormatYUYV, frame.FormatYUY2, frame.FormatUYVY,
	frame.FormatMJPEG,
}

// isCamera selects video capture drivers, leaving out screen capture.
var isCamera = driver.FilterAnd(driver.FilterVideoRecorder(), driver.FilterDeviceType(driver.Camera))

// Devices lists the cameras known since the last Rescan (or program start),
// default camera first. A camera that is streaming in this process is listed
// with its modes; a closed one is opened briefly to read them.
func Devices() []Device {
	driversMu.Lock()
	defer driversMu.Unlock()

	drivers := driver.GetManager().Query(isCamera)
	sortDrivers(drivers)
	devices := make([]Device, 0, len(drivers))
	for _, d := range drivers {
		info := d.Info()
		dev := Device{ID: d.ID(), Label: info.Label, Name: displayName(info)}
		props, err := properties(d)
		if err == nil {
			dev.Available = true
			dev.Resolutions = resolutions(props)
		}
		devices = append(devices, dev)
	}
	return devices
}

// Rescan looks for cameras again, so a camera plugged in after start appears
// (and an unplugged one goes). It calls mediadevices' camera.Initialize,
// which drops every registered video driver, then registers again the
// cameras added with Register. Every camera gets a new ID: call Devices
// again afterwards. A Camera that is open keeps streaming.
func Rescan() {
	driversMu.Lock()
	defer driversMu.Unlock()
	discoverCameras()
	for cam := range added {
		added[cam] = cam.register()
	}
}

// added are the cameras added with Register, each with its current driver
// ID, so Rescan can register them again after mediadevices dropped them.
// Guarded by driversMu, as is addedCount.
var (
	added      = map[*addedCamera]string{}
	addedCount int
)

// addedCamera is one Register camera.
type addedCamera struct {
	label     string
	name      string // unique driver.Info.Name, to find the ID Register gave it
	newDriver func() driver.Adapter
}

// Register adds a camera that scanning does not find: newDriver makes its
// mediadevices driver (a fresh one each time, as Rescan drops the old one),
// label names it as Device.Label and Device.Name. The camera stays across
// Rescan until remove runs. It returns the camera's device ID (valid until
// the next Rescan, like any camera's) and remove, which takes the camera
// off the list; remove may be called more than once. cameratest plays
// pictures through it.
func Register(label string, newDriver func() driver.Adapter) (id string, remove func()) {
	driversMu.Lock()
	defer driversMu.Unlock()
	addedCount++
	cam := &addedCamera{
		label:     label,
		name:      fmt.Sprintf("%s%sadded camera %d", label, pioncamera.LabelSeparator, addedCount),
		newDriver: newDriver,
	}
	id = cam.register()
	added[cam] = id

	var once sync.Once
	return id, func() {
		once.Do(func() {
			driversMu.Lock()
			defer driversMu.Unlock()
			driver.GetManager().Delete(added[cam])
			delete(added, cam)
		})
	}
}

// register adds a fresh driver for cam to the manager and returns its ID.
// The manager's Register does not return the ID it generates, so the
// driver is found again by its unique Name. Callers hold driversMu.
func (cam *addedCamera) register() string {
	m := driver.GetManager()
	// Register cannot fail in mediadevices v0.10.0; it returns an error only
	// for the interface's sake.
	_ = m.Register(cam.newDriver(), driver.Info{
		Label:      cam.label,
		Name:       cam.name,
		DeviceType: driver.Camera,
		Priority:   driver.PriorityNormal,
	})
	found := m.Query(func(d driver.Driver) bool { return d.Info().Name == cam.name })
	if len(found) != 1 {
		panic(fmt.Sprintf("camera: %d drivers named %q after registering one", len(found), cam.name))
	}
	return found[0].ID()
}

// properties returns the modes of d, opening it for the moment if it is
// closed. Callers hold driversMu.
func properties(d driver.Driver) ([]prop.Media, error) {
	if d.Status() == driver.StateClosed {
		if err := d.Open(); err != nil {
			return nil, err
		}
		defer d.Close()
	}
	return d.Properties(), nil
}

// resolutions reduces driver modes to the distinct decodable sizes, each with
// its best frame rate, largest first.
func resolutions(props []prop.Media) []Resolution {
	var out []Resolution
	for _, p := range props {
		if !slices.Contains(decodable, p.FrameFormat) || p.Width <= 0 || p.Height <= 0 {
			continue
		}
		i := slices.IndexFunc(out, func(r Resolution) bool { return r.Width == p.Width && r.Height == p.Height })
		if i < 0 {
			out = append(out, Resolution{Width: p.Width, Height: p.Height, FPS: p.FrameRate})
		} else {
			out[i].FPS = max(out[i].FPS, p.FrameRate)
		}
	}
	slices.SortFunc(out, func(a, b Resolution) int {
		return cmp.Or(
			cmp.Compare(b.Width*b.Height, a.Width*a.Height),
			cmp.Compare(b.Width, a.Width),
		)
	})
	return out
}

// sortDrivers orders drivers the way Open picks a default: higher priority
// (V4L2 marks /dev/video0 high) first, then by label.
func sortDrivers(ds []driver.Driver) {
	slices.SortFunc(ds, func(a, b driver.Driver) int {
		return cmp.Or(
			cmp.Compare(b.Info().Priority, a.Info().Priority),
			strings.Compare(a.Info().Label, b.Info().Label),
			strings.Compare(a.ID(), b.ID()),
		)
	})
}

// displayName is the model part of V4L2's "<card name>;<bus info>" Name, or
// the Label when there is none.
func displayName(info driver.Info) string {
	name, _, _ := strings.Cut(info.Name, pioncamera.LabelSeparator)
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	return info.Label
}
