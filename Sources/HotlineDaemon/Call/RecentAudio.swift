/// The last `capacity` samples heard, kept in a ring so a frame costs a copy of the frame
/// only, not a shift of everything kept.
struct RecentAudio {
    private var ring: [Float]
    private var next = 0
    private var count = 0

    init(capacity: Int) { ring = [Float](repeating: 0, count: capacity) }

    /// Keeps `samples`, forgetting the oldest beyond the capacity.
    mutating func append(_ samples: [Float]) {
        for x in samples {
            ring[next] = x
            next = (next + 1) % ring.count
        }
        count = min(count + samples.count, ring.count)
    }

    /// Forgets everything.
    mutating func removeAll() {
        next = 0
        count = 0
    }

    /// What is kept, oldest first.
    var contents: [Float] {
        count < ring.count ? Array(ring[0..<count]) : Array(ring[next...] + ring[..<next])
    }
}
