package media

import "github.com/encommun/maillage/graph"

// DefaultLimits bound the stored file of each format, for every way a file
// comes in (an upload, a vault import). A photo or a drawing is a few
// megabytes; an hour of speech in Ogg/Opus some 30; a short video more.
var DefaultLimits = map[graph.MediaFormat]int64{
	graph.MediaImage: 20 << 20,
	graph.MediaPDF:   50 << 20,
	graph.MediaAudio: 200 << 20,
	graph.MediaVideo: 512 << 20,
}

// Limits is DefaultLimits with the positive values of given instead.
func Limits(given map[graph.MediaFormat]int64) map[graph.MediaFormat]int64 {
	out := map[graph.MediaFormat]int64{}
	for f, n := range DefaultLimits {
		out[f] = n
		if given[f] > 0 {
			out[f] = given[f]
		}
	}
	return out
}
