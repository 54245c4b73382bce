import Foundation
import Testing

@testable import CampaignCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The import's validating and hashing threads yield to the reading thread: their priority is lowered, never the
/// process's or the calling thread's.
@Suite struct ThreadPriorityTests {
    #if os(Linux)
    private static let which = __priority_which_t(PRIO_PROCESS.rawValue)

    /// The nice value of a new thread after it yields, and of the thread that started it meanwhile.
    private static func niceAfterYielding() -> (yielded: Int32, starter: Int32) {
        final class Box: @unchecked Sendable {
            // @unchecked: written before `done` is signalled, read after waiting on it.
            var nice: Int32 = 0
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            ImportPipeline.yieldToReader()
            box.nice = getpriority(which, 0)
            done.signal()
        }
        thread.start()
        done.wait()
        return (box.nice, getpriority(which, 0))
    }

    @Test func yieldingLowersOnlyTheYieldingThreadsPriority() {
        let before = getpriority(Self.which, 0)
        let nice = Self.niceAfterYielding()
        #expect(nice.yielded == min(before + 5, 19))
        #expect(nice.starter == before)
    }
    #endif
}
