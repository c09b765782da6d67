@testable import HotlineDaemon
import Testing

@Suite struct RecentAudioTests {
    @Test func keepsTheLastSamplesOldestFirst() {
        var recent = RecentAudio(capacity: 5)
        recent.append([1, 2, 3])
        #expect(recent.contents == [1, 2, 3])
        recent.append([4, 5, 6, 7])
        #expect(recent.contents == [3, 4, 5, 6, 7])
        recent.removeAll()
        recent.append([8])
        #expect(recent.contents == [8])
    }
}
